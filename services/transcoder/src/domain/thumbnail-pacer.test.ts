import { describe, expect, it } from 'vitest';
import { ThumbnailPacer } from './thumbnail-pacer.ts';

describe('ThumbnailPacer', () => {
  it('keeps the first picture at once and the next no earlier than the gap after it', () => {
    const pacer = new ThumbnailPacer(2000);
    expect(pacer.delayAt(10_000)).toBe(0);
    pacer.kept(10_000);
    expect(pacer.delayAt(11_950)).toBe(50);
    expect(pacer.delayAt(12_000)).toBe(0);
    expect(pacer.delayAt(15_000)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { vodClipRange } from './clip-range.ts';

describe('the clip of a VOD', () => {
  it('is 30 s from the playback position when it fits', () => {
    expect(vodClipRange(12.34, 600)).toEqual({ startSeconds: 12.3, durationSeconds: 30 });
    expect(vodClipRange(0, 600)).toEqual({ startSeconds: 0, durationSeconds: 30 });
  });

  it('moves back to end inside the VOD near its end', () => {
    const range = vodClipRange(590, 600)!;
    expect(range.durationSeconds).toBe(30);
    expect(range.startSeconds + range.durationSeconds).toBeLessThanOrEqual(600);
    expect(range.startSeconds).toBeGreaterThan(569);
  });

  it('is the whole VOD (a little inside) when that is shorter, and nothing under the minimum', () => {
    const range = vodClipRange(3, 12)!;
    expect(range.startSeconds).toBe(0);
    expect(range.durationSeconds).toBeGreaterThanOrEqual(11.8);
    expect(range.durationSeconds).toBeLessThan(12);
    expect(vodClipRange(0, 4)).toBeUndefined();
    expect(vodClipRange(0, 0)).toBeUndefined();
    expect(vodClipRange(Number.NaN, 100)).toEqual({ startSeconds: 0, durationSeconds: 30 });
    expect(vodClipRange(0, Number.NaN)).toBeUndefined();
  });
});

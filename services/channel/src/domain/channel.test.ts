import { describe, expect, it } from 'vitest';
import { normalizePatch } from './channel.ts';

describe('normalizePatch', () => {
  it('trims, keeps null categories, and de-duplicates tags case-insensitively', () => {
    expect(
      normalizePatch({ title: '  hi ', category: null, tags: [' LoL', 'lol', 'talk '], description: ' d\n ' }),
    ).toEqual({ title: 'hi', category: null, tags: ['LoL', 'talk'], description: 'd' });
    expect(normalizePatch({ description: '' })).toEqual({ description: '' });
  });

  it('refuses blank titles, categories and tags', () => {
    for (const patch of [{ title: '   ' }, { category: ' ' }, { tags: ['ok', '  '] }]) {
      expect(() => normalizePatch(patch)).toThrow(
        expect.objectContaining({ code: 'INVALID_CHANNEL_FIELD', kind: 'invalid' }),
      );
    }
  });
});

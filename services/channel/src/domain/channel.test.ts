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

describe('normalizePatch: hidden controls', () => {
  it('strips bidirectional controls and zero-width characters from titles, categories, tags and descriptions', () => {
    expect(
      normalizePatch({
        title: 'speed\u202Erun\u2066 live\u2069',
        category: '\u200BMinecraft\uFEFF',
        tags: ['ranked\u200D', 'ranked', '\u200Fkr'],
        description: 'first line\u200E\nsecond\u061C',
      }),
    ).toEqual({
      title: 'speedrun live',
      category: 'Minecraft',
      tags: ['ranked', 'kr'],
      description: 'first line\nsecond',
    });
  });

  it('refuses a title or tag that is only invisible characters', () => {
    for (const patch of [{ title: '\u200B\u202E' }, { tags: ['ok', '\u2060\uFEFF'] }]) {
      expect(() => normalizePatch(patch)).toThrow(expect.objectContaining({ code: 'INVALID_CHANNEL_FIELD' }));
    }
  });
});

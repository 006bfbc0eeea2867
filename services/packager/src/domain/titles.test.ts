import { describe, expect, it } from 'vitest';
import { Clips } from './clips.ts';
import type { ChannelOwners, VodRow, VodStore } from './ports.ts';
import { cleanTitle } from './titles.ts';
import { Vods } from './vods.ts';

const row: VodRow = {
  id: '00000000-0000-4000-8000-000000000001',
  channelId: '00000000-0000-4000-8000-0000000000c1',
  sessionId: '00000000-0000-4000-8000-0000000000a1',
  title: 'old',
  visibility: 'public',
  status: 'ready',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  endedAt: new Date('2026-01-01T01:00:00Z'),
  durationSeconds: 3600,
  thumbnailMs: null,
  storyboardTiles: 0,
  storyboardDone: true,
};

/** A VOD API over a one-row store that records what it was asked to store. */
function vodsWithOneRow() {
  const stored: { title?: string }[] = [];
  const store = {
    get: async (id: string) => (id === row.id ? row : undefined),
    update: async (_id: string, change: { title?: string }) => {
      stored.push(change);
      return { ...row, ...change };
    },
  } as unknown as VodStore;
  const owners: ChannelOwners = { ownerOf: async () => 'owner' };
  const vods = new Vods({
    store,
    owners,
    storage: {} as never,
    reader: {} as never,
    now: () => new Date(),
    onEvent: () => {},
  });
  return { vods, stored };
}

describe('VOD and clip titles', () => {
  it('strips bidirectional controls and zero-width characters, then trims', () => {
    expect(cleanTitle(' best\u202E moment\u200B\u2066s\u2069 ')).toBe('best moments');
  });

  it('refuses a title that is only invisible characters (400 INVALID_TITLE)', () => {
    expect(() => cleanTitle('\u200B\u202E\uFEFF')).toThrow(
      expect.objectContaining({ kind: 'invalid', code: 'INVALID_TITLE' }),
    );
  });

  it('stores the sanitized title when the owner renames a VOD', async () => {
    const { vods, stored } = vodsWithOneRow();
    const vod = await vods.update(row.id, 'owner', { title: 'final\u202Egnp.exe\u200D' });
    expect(stored).toEqual([{ title: 'finalgnp.exe' }]);
    expect(vod.title).toBe('finalgnp.exe');
  });

  it('stores nothing for a title of invisible characters', async () => {
    const { vods, stored } = vodsWithOneRow();
    await expect(vods.update(row.id, 'owner', { title: '\u2067\u2069' })).rejects.toMatchObject({
      code: 'INVALID_TITLE',
    });
    expect(stored).toEqual([]);
  });

  it('refuses a clip titled only with invisible characters before cutting anything', async () => {
    const touched: string[] = [];
    const spy = new Proxy({}, { get: (_t, name) => () => touched.push(String(name)) });
    const clips = new Clips({
      clips: spy as never,
      vods: spy as never,
      storage: spy as never,
      reader: spy as never,
      remuxer: spy as never,
      newId: () => 'id',
      now: () => new Date(),
    });
    await expect(
      clips.create('owner', { channelId: row.channelId, durationSeconds: 10, title: '\u200B\u2066' }),
    ).rejects.toMatchObject({ code: 'INVALID_TITLE' });
    expect(touched).toEqual([]);
  });
});

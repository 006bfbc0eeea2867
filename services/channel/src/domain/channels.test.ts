import type { ChannelPage, LiveInfo } from '@phzzk/contracts';
import { describe, expect, it } from 'vitest';
import { Channels } from './channels.ts';
import type { ChannelRecord, ChannelStore, ReadCache, StreamKeySealer } from './ports.ts';

const channelId = '0190a6b0-0000-7000-8000-00000000000c';
const ownerId = '0190a6b0-0000-7000-8000-00000000000d';
const record: ChannelRecord = {
  channel: {
    id: channelId,
    ownerId,
    ownerNickname: 'nick',
    title: 'nick',
    category: null,
    tags: [],
    description: '',
    followerCount: 0,
    createdAt: new Date(),
    updatedAt: new Date(),
  },
  live: undefined,
};
const passThrough: ReadCache = {
  live: (_id, load: () => Promise<LiveInfo>) => load(),
  putLive: async () => {},
  page: (_q, load: () => Promise<ChannelPage>) => load(),
  directoryChanged: async () => {},
};

function channels(store: Partial<ChannelStore>, sealer: Partial<StreamKeySealer> = {}) {
  return new Channels({
    store: store as ChannelStore,
    cache: passThrough,
    sealer: { seal: () => Buffer.alloc(0), open: () => undefined, ...sealer },
  });
}

describe('Channels', () => {
  it('answers 409 STREAM_KEY_UNAVAILABLE when the sealed copy cannot be opened (secret changed)', async () => {
    const c = channels({
      findByOwner: async () => record,
      streamKeyOf: async () => ({ digest: Buffer.alloc(32), sealed: Buffer.alloc(40) }),
    });
    await expect(c.streamKey(ownerId)).rejects.toMatchObject({ kind: 'conflict', code: 'STREAM_KEY_UNAVAILABLE' });
  });

  it('authorizes without touching the store for something that is not a key', async () => {
    let lookups = 0;
    const c = channels({
      streamKeyOf: async () => {
        lookups++;
        return undefined;
      },
    });
    await expect(c.authorize('rtmp://nope')).rejects.toMatchObject({ kind: 'not-found', code: 'STREAM_KEY_UNKNOWN' });
    expect(lookups).toBe(0);
  });

  it('issues keys whose digest and sealed copy belong to them', () => {
    const sealed: string[] = [];
    const seal = (_id: string, key: string) => {
      sealed.push(key);
      return Buffer.from('sealed');
    };
    const c = channels({}, { seal });
    const issued = c.issueKey(channelId);
    expect(sealed).toEqual([issued.key]);
    expect(issued.digest).toHaveLength(32);
  });
});

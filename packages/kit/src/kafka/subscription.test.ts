import { type StreamEnded, Topics } from '@phzzk/contracts';
import { describe, expect, it } from 'vitest';
import type { EventMeta } from './consumer-core.ts';
import { dispatcher, subscribe, topicsOf } from './subscription.ts';

const meta = (topic: string): EventMeta => ({ topic, partition: 0, offset: 0n, key: undefined });
const ended: StreamEnded = {
  id: '0190a6b0-0000-7000-8000-000000000001',
  type: 'stream.ended',
  occurredAt: new Date(0).toISOString(),
  producer: 'test',
  data: {
    sessionId: '0190a6b0-0000-7000-8000-000000000002',
    channelId: '0190a6b0-0000-7000-8000-000000000003',
    endedAt: new Date(0).toISOString(),
    reason: 'unpublish',
  },
};

describe('subscribe', () => {
  it('hands an event to the handler of its type, typed by the contract', async () => {
    const seen: string[] = [];
    const handle = dispatcher([
      subscribe(Topics.channelEvents, {
        on: {
          'stream.ended': async (event) => {
            seen.push(`${event.data.reason} ${event.data.sessionId}`);
          },
        },
        ignore: ['stream.started', 'channel.updated', 'stream-key.rotated'],
      }),
    ]);
    await handle(ended, meta('channel.events'));
    expect(seen).toEqual([`unpublish ${ended.data.sessionId}`]);
    // An ignored type is consumed without a handler.
    await handle({ ...ended, type: 'channel.updated' }, meta('channel.events'));
    expect(seen).toHaveLength(1);
  });

  it('refuses an event type that has neither a handler nor an ignore', () => {
    expect(() =>
      // @ts-expect-error the types left out are named by the compiler too
      subscribe(Topics.channelEvents, { on: { 'stream.ended': async () => {} }, ignore: ['stream.started'] }),
    ).toThrow(/no handler and no ignore for "channel.updated", "stream-key.rotated"/);
  });

  it('refuses a type the topic does not carry, or one both handled and ignored', () => {
    expect(() =>
      subscribe(Topics.vodEvents, {
        on: { 'vod.ready': async () => {}, 'vod.deleted': async () => {} },
        // @ts-expect-error not an event of vod.events
        ignore: ['vod.exploded'],
      }),
    ).toThrow(/carries no event type "vod.exploded"/);
    expect(() =>
      subscribe(Topics.vodEvents, {
        on: { 'vod.ready': async () => {}, 'vod.deleted': async () => {} },
        ignore: ['vod.ready'],
      }),
    ).toThrow(/both handled and ignored/);
  });

  it('fails an event of a type the topic carries that nobody registered, and a topic not subscribed', async () => {
    const subscriptions = [subscribe(Topics.vodEvents, { on: {}, ignore: ['vod.ready', 'vod.deleted'] })];
    const handle = dispatcher(subscriptions);
    await expect(handle(ended, meta('vod.events'))).rejects.toThrow(/"stream.ended" has no handler/);
    await expect(handle(ended, meta('channel.events'))).rejects.toThrow(/not subscribed/);
    expect(() => topicsOf([...subscriptions, ...subscriptions])).toThrow(/subscribed twice/);
  });
});

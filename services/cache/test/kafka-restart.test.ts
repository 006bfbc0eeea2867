import { Topics } from '@phzzk/contracts';
import { type PrivateKafka, startPrivateKafka, waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CacheFixture, cacheFixture, startCache } from './support.ts';

// The broker restart happens on a broker of this test alone: the shared one serves everyone else.
let kafka: PrivateKafka;
let fx: CacheFixture;

beforeAll(async () => {
  kafka = await startPrivateKafka();
  fx = await cacheFixture({ brokers: kafka.brokers });
}, 240_000);

afterAll(async () => {
  await fx?.close();
  await kafka?.stop();
}, 60_000);

describe('Kafka broker restarted', () => {
  it('the cache consumes on after the restart: nothing lost, nothing doubled', async () => {
    const cache = await startCache(fx);
    const channels = Array.from({ length: 4 }, () => uuidv7());
    const seqs = new Map<string, number>();
    /** One chat message, published until Kafka acknowledges it; a retry is the same event (same ids). */
    const send = async (i: number) => {
      const channelId = channels[i % channels.length]!;
      const seq = (seqs.get(channelId) ?? 0) + 1;
      seqs.set(channelId, seq);
      const id = uuidv7();
      const data = {
        channelId,
        seq,
        messageId: uuidv7(),
        user: fx.user(),
        text: `before and after ${i}`,
        sentAt: new Date().toISOString(),
      };
      await waitFor(
        () =>
          fx.producer.publish(Topics.chatMessages, 'chat.message', data, { id }).then(
            () => true,
            () => false,
          ),
        { timeoutMs: 120_000, what: `message ${i} accepted by Kafka` },
      );
    };
    const rows = async () => {
      const [row] = await fx.sql<{ n: string; d: string }>(
        'select count(*) as n, count(distinct message_id) as d from $schema.messages where channel_id = any($1::uuid[])',
        [channels],
      );
      return { n: Number(row!.n), distinct: Number(row!.d) };
    };
    try {
      await fx.untilConsuming();
      for (let i = 0; i < 200; i++) await send(i);
      await waitFor(async () => (await rows()).n >= 50, { what: 'part of the first messages' });

      // An operator restarts the broker (SIGTERM, same data) while messages are still flowing.
      const sending = (async () => {
        for (let i = 200; i < 400; i++) await send(i);
      })();
      await kafka.restart();
      await sending;
      for (let i = 400; i < 500; i++) await send(i);

      await waitFor(async () => (await rows()).n >= 500, { timeoutMs: 120_000, what: 'all 500 rows' });
      // Counted with plain SQL: every message once, none twice (per message id and per channel seq).
      expect(await rows()).toEqual({ n: 500, distinct: 500 });
      const [dupes] = await fx.sql<{ n: string }>(
        `select count(*) as n from (select channel_id, seq from $schema.messages
          where channel_id = any($1::uuid[]) group by 1, 2 having count(*) > 1) d`,
        [channels],
      );
      expect(Number(dupes!.n)).toBe(0);
      // The history reads them back through Redis, the newest last.
      const page = await cache.api.get<{ items: { text: string }[] }>(`/api/chat/${channels[0]}/messages?limit=5`);
      expect(page.body.items.at(-1)?.text).toBe('before and after 496');
      await waitFor(async () => (await cache.api.get('/health')).status === 200, { what: 'health back' });
    } finally {
      await cache.running.stop();
    }
  }, 300_000);
});

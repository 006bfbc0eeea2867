import { deadLetterTopic, Topics } from '@phzzk/contracts';
import { KafkaProbe, startServiceProcess, waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CacheFixture, cacheFixture, startCache } from './support.ts';
import { TcpProxy } from './tcp-proxy.ts';

let fx: CacheFixture;
let probe: KafkaProbe;

beforeAll(async () => {
  fx = await cacheFixture();
  probe = await KafkaProbe.start(fx.brokers, [deadLetterTopic(Topics.chatMessages.name)]);
}, 60_000);

afterAll(async () => {
  await probe?.stop();
  await fx?.close();
});

/** A chat event's envelope as chat writes it, around any `data` (to send what breaks the contract). */
function chatEnvelope(type: string, data: unknown): Buffer {
  return Buffer.from(
    JSON.stringify({ id: uuidv7(), type, occurredAt: new Date().toISOString(), producer: 'chat', data }),
  );
}

/** Publishes `count` messages spread over `channels` channels, `concurrency` at a time. */
async function burst(channels: string[], count: number, concurrency = 100): Promise<void> {
  for (let i = 0; i < count; i += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count - i) }, (_, j) =>
        fx.message(channels[(i + j) % channels.length]!),
      ),
    );
  }
}

const totalRows = async (channels: string[]) => {
  const [row] = await fx.sql<{ n: string; d: string }>(
    'select count(*) as n, count(distinct message_id) as d from $schema.messages where channel_id = any($1::uuid[])',
    [channels],
  );
  return { n: Number(row!.n), distinct: Number(row!.d) };
};

describe('faults', () => {
  it('dead-letters malformed and unknown events and goes on with the partition', async () => {
    const cache = await startCache(fx);
    try {
      await fx.untilConsuming();
      const channelId = uuidv7();
      await fx.producer.sendRaw(Topics.chatMessages.name, channelId, Buffer.from('{not json'));
      await fx.producer.sendRaw(Topics.chatMessages.name, channelId, chatEnvelope('chat.reaction', {}));
      // The right type with a payload that breaks the contract (seq 0, text missing).
      await fx.producer.sendRaw(
        Topics.chatMessages.name,
        channelId,
        chatEnvelope('chat.message', {
          channelId,
          seq: 0,
          messageId: uuidv7(),
          user: fx.user(),
          sentAt: new Date().toISOString(),
        }),
      );
      const good = await fx.message(channelId, undefined, 'after the poison');
      await waitFor(
        async () =>
          (await fx.sql('select 1 from $schema.messages where message_id = $1', [good.data.messageId])).length === 1,
        { what: 'the good message behind the poison' },
      );
      const dead = await waitFor(() => {
        // Other consumer groups of the topic (a platform or another test on the same broker) dead-letter
        // the same poison: only this instance's group counts.
        const mine = probe.messages.filter((m) => m.key === channelId && m.headers['x-consumer-group'] === fx.group);
        return mine.length === 3 ? mine : undefined;
      });
      expect(dead.map((m) => m.headers['x-original-topic'])).toEqual([
        'chat.messages',
        'chat.messages',
        'chat.messages',
      ]);
      expect(dead.map((m) => m.headers['x-consumer-group'])).toEqual([fx.group, fx.group, fx.group]);
      expect(dead[0]!.value.toString()).toBe('{not json');
      expect(await fx.rowsOf(channelId)).toEqual({ n: 1, distinct: 1 });
    } finally {
      await cache.running.stop();
    }
  }, 90_000);

  it('pauses while PostgreSQL is unreachable for 10 s, loses nothing and catches up', async () => {
    const url = new URL(fx.infra.databaseUrl);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const port = await proxy.start();
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const cache = await startCache(fx, { DATABASE_URL: url.toString() });
    try {
      await fx.untilConsuming();
      const channels = Array.from({ length: 5 }, () => uuidv7());
      await burst(channels, 100);
      await waitFor(async () => (await totalRows(channels)).n === 100, { what: 'the first 100 rows' });

      await proxy.stop();
      const outageStarted = Date.now();
      await burst(channels, 400);
      // The outage lasts 10 s (the scenario itself, not a wait for a condition): the consumer holds the batch.
      await waitFor(
        async () => {
          const health = await cache.api.get<{ checks?: Record<string, { ok: boolean }> }>('/health');
          return health.status === 503 || JSON.stringify(health.body).includes('paused') ? true : undefined;
        },
        { timeoutMs: 10_000, what: 'the service to report PostgreSQL away' },
      );
      expect((await totalRows(channels)).n).toBe(100);
      await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - outageStarted))));
      await proxy.start(port);

      await waitFor(async () => (await totalRows(channels)).n === 500, { timeoutMs: 30_000, what: 'the catch-up' });
      expect(await totalRows(channels)).toEqual({ n: 500, distinct: 500 });
      await waitFor(async () => (await cache.api.get('/health')).status === 200, { what: 'health back' });
    } finally {
      await cache.running.stop();
      await proxy.stop();
    }
  }, 120_000);

  it('after kill -9 in the middle of a burst, every message is in PostgreSQL exactly once', async () => {
    const env = fx.env({ LOG_LEVEL: 'warn', CACHE_SYNC_BATCH_SIZE: '200' });
    const first = await startServiceProcess('cache', env);
    const channels = Array.from({ length: 20 }, () => uuidv7());
    const total = 4000;
    let killedAt = -1;
    try {
      await fx.untilConsuming();
      const sending = burst(channels, total, 200);
      // Kill it once part of the burst is in the database, the rest still arriving.
      await waitFor(async () => (await totalRows(channels)).n >= 600, { timeoutMs: 60_000, what: 'part of the burst' });
      first.child.kill('SIGKILL');
      await first.stop('SIGKILL');
      killedAt = (await totalRows(channels)).n;
      await sending;
    } finally {
      if (first.child.exitCode === null) await first.stop('SIGKILL');
    }
    expect(killedAt).toBeLessThan(total);
    const second = await startServiceProcess('cache', env);
    try {
      await waitFor(async () => (await totalRows(channels)).n >= total, { timeoutMs: 90_000, what: 'all rows' });
      // Counted with plain SQL against the table, not through the service.
      const counted = await totalRows(channels);
      expect(counted).toEqual({ n: total, distinct: total });
      const [perSeq] = await fx.sql<{ dupes: string }>(
        `select count(*) as dupes from (select channel_id, seq from $schema.messages
          where channel_id = any($1::uuid[]) group by 1, 2 having count(*) > 1) d`,
        [channels],
      );
      expect(Number(perSeq!.dupes)).toBe(0);
      console.log(
        `kill -9: ${killedAt} of ${total} rows in PostgreSQL at the kill; after restart ${counted.n} rows, ${counted.distinct} distinct`,
      );
    } finally {
      await second.stop();
    }
  }, 180_000);
});

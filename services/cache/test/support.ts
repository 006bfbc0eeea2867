import { randomUUID } from 'node:crypto';
import { type ChatMessage, type StreamStarted, Topics } from '@phzzk/contracts';
import { createRedis, type ServiceInstance, StaticDiscovery, startService } from '@phzzk/kit';
import { ApiClient, publishStreamEnded, serviceTestBed, waitFor } from '@phzzk/testing';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { cacheService } from '../src/service.ts';

export const CACHE_TOPICS = [
  Topics.chatMessages,
  Topics.chatModeration,
  Topics.chatPresence,
  Topics.viewerHeartbeats,
  Topics.channelEvents,
];

/** Everything one test file needs apart from a running service: names, a producer, SQL, Redis (`brokers`: a private Kafka). */
export async function cacheFixture(options: { brokers?: string[] } = {}) {
  // Test events come as chat publishes them.
  const bed = await serviceTestBed('cache', CACHE_TOPICS, { producer: 'chat', brokers: options.brokers });
  const { infra, brokers, schema, group, producer } = bed;
  const prefix = `phzzk:test:${group}:`;
  const liveViewersKey = `${prefix}live-viewers`;
  const db = new pg.Pool({ connectionString: infra.databaseUrl, max: 3 });
  const redis = createRedis(infra.redisUrl, `cache-test-${group}`);

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...bed.env,
    CACHE_CONSUMER_GROUP: group,
    CACHE_CONSUMER_START_FROM: 'latest',
    CACHE_REDIS_KEY_PREFIX: prefix,
    CACHE_LIVE_VIEWERS_KEY: liveViewersKey,
    CACHE_SYNC_FLUSH_MS: '200',
    CACHE_STATS_TICK_MS: '200',
    CACHE_STATS_SAMPLE_MS: '500',
    LOG_LEVEL: 'silent',
    ...extra,
  });

  const seqs = new Map<string, number>();
  const nextSeq = (channelId: string) => {
    const n = (seqs.get(channelId) ?? 0) + 1;
    seqs.set(channelId, n);
    return n;
  };
  const user = (nickname = 'viewer1', role: 'owner' | 'moderator' | 'viewer' = 'viewer') => ({
    id: uuidv7(),
    nickname,
    role,
  });

  /** Publishes chat.message as the chat service does: the channel's next seq, keyed by channel. */
  function message(channelId: string, from = user(), text = 'hello', sentAt = new Date()) {
    return producer.publish(Topics.chatMessages, 'chat.message', {
      channelId,
      seq: nextSeq(channelId),
      messageId: uuidv7(),
      user: from,
      text,
      sentAt: sentAt.toISOString(),
    });
  }
  function deleted(channelId: string, messageId: string) {
    return producer.publish(Topics.chatMessages, 'chat.deleted', {
      channelId,
      seq: nextSeq(channelId),
      messageId,
      deletedBy: uuidv7(),
      deletedAt: new Date().toISOString(),
    });
  }
  function cleared(channelId: string) {
    return producer.publish(Topics.chatMessages, 'chat.cleared', {
      channelId,
      seq: nextSeq(channelId),
      clearedBy: uuidv7(),
      clearedAt: new Date().toISOString(),
    });
  }
  function streamStarted(channelId: string, startedAt = new Date()) {
    return producer.publish(Topics.channelEvents, 'stream.started', {
      sessionId: uuidv7(),
      channelId,
      ingestNode: 'ingest-test',
      sourceUrl: 'http://127.0.0.1:1/live/source.flv',
      video: null,
      audio: null,
      bitrateKbps: null,
      startedAt: startedAt.toISOString(),
    } satisfies StreamStarted['data']);
  }
  function streamEnded(channelId: string, sessionId: string) {
    return publishStreamEnded(producer, channelId, sessionId);
  }

  const sql = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = []) =>
    (await db.query<R>(text.replaceAll('$schema', schema.name), params)).rows;

  /** Waits until the channel has `n` message rows (counted with plain SQL, not through the service). */
  const rowsOf = (channelId: string) =>
    sql<{ n: string; distinct_ids: string }>(
      'select count(*) as n, count(distinct message_id) as distinct_ids from $schema.messages where channel_id = $1',
      [channelId],
    ).then((r) => ({ n: Number(r[0]!.n), distinct: Number(r[0]!.distinct_ids) }));

  /** Deletes every key of this run's prefix: what FLUSHALL would do to the service, without touching anyone else. */
  async function flushRedis() {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }

  /** Waits until a started service consumes: a sentinel channel event shows up in PostgreSQL. */
  async function untilConsuming() {
    const channelId = randomUUID();
    await waitFor(
      async () => {
        await producer.publish(Topics.channelEvents, 'channel.updated', {
          channelId,
          title: 'sentinel',
          category: null,
          tags: [],
        });
        return waitFor(
          async () =>
            (await sql('select 1 from $schema.known_channels where channel_id = $1', [channelId]).catch(() => []))
              .length > 0,
          { timeoutMs: 3000, what: 'the sentinel' },
        ).catch(() => false);
      },
      { timeoutMs: 60_000, what: 'the cache service to consume' },
    );
  }

  return {
    infra,
    brokers,
    schema,
    group,
    prefix,
    liveViewersKey,
    producer,
    db,
    redis,
    env,
    user,
    nextSeq,
    message,
    deleted,
    cleared,
    streamStarted,
    streamEnded,
    sql,
    rowsOf,
    flushRedis,
    untilConsuming,
    async close() {
      await flushRedis().catch(() => {});
      await redis.del(liveViewersKey).catch(() => {});
      redis.disconnect();
      await db.end();
      await bed.close();
    },
  };
}

export type CacheFixture = Awaited<ReturnType<typeof cacheFixture>>;

/** The cache service in this process, on the fixture's schema, group and prefix; `peers` are what discovery lists. */
export async function startCache(fx: CacheFixture, extra: Record<string, string> = {}, peers: ServiceInstance[] = []) {
  const running = await startService(cacheService, { env: fx.env(extra), discovery: new StaticDiscovery(peers) });
  return { running, api: new ApiClient(running.url) };
}

export type { ChatMessage };

import { fileURLToPath } from 'node:url';
import { LIVE_VIEWERS_KEY } from '@phzzk/contracts';
import { defineService, openDatabase, openProducer, openRedis, serviceConfig, startBatchConsumer } from '@phzzk/kit';
import Type from 'typebox';
import { HttpChannelDirectory } from './adapters/http-channel-directory.ts';
import { KafkaHeartbeatPublisher } from './adapters/kafka-heartbeat-publisher.ts';
import { PgCacheStore } from './adapters/pg-cache-store.ts';
import { PgSyncWriter } from './adapters/pg-sync-writer.ts';
import { RedisCache } from './adapters/redis-cache.ts';
import { CacheKeys } from './adapters/redis-keys.ts';
import { isTransient } from './adapters/transient-error.ts';
import { buildCacheApp } from './app.ts';
import { History } from './domain/history.ts';
import { Participants } from './domain/participants.ts';
import { Replay } from './domain/replay.ts';
import { Stats } from './domain/stats.ts';
import { startRetention } from './workers/retention.ts';
import { StatsTicker } from './workers/stats-ticker.ts';
import { heartbeatHandler, heartbeatTopics, syncHandler, syncTopics } from './workers/sync-handler.ts';

export const CacheConfig = serviceConfig(['database', 'kafka', 'redis'], {
  /** Consumer group of the synced topics; viewer.heartbeats use `<group>.heartbeats`. Shared by all instances. */
  'cache.consumer-group': Type.String({ default: 'cache', minLength: 1, maxLength: 120 }),
  /** Prefix of every Redis key of this service but the live-viewers key. */
  'cache.redis.key-prefix': Type.String({ default: 'phzzk:cache:', minLength: 1, maxLength: 128 }),
  /** The sorted set the channel service orders the live directory by (LIVE_VIEWERS_KEY); tests override it. */
  'cache.live-viewers-key': Type.String({ default: LIVE_VIEWERS_KEY, minLength: 1, maxLength: 200 }),
  /** Messages per channel kept in Redis (older ones are read from PostgreSQL). */
  'cache.history.redis-cap': Type.Integer({ default: 500, minimum: 10, maximum: 10_000 }),
  /**
   * Sync batches: flushed at this many events or after this long, whichever comes first. At 1,000
   * messages/s the time flushes; a backlog drains in batches of 5,000 (fewer round trips per row).
   */
  'cache.sync.batch-size': Type.Integer({ default: 5000, minimum: 1, maximum: 50_000 }),
  'cache.sync.flush-ms': Type.Integer({ default: 1000, minimum: 10, maximum: 60_000 }),
  /** Heartbeats accepted per client address and window; 0 turns the limit off. */
  'cache.heartbeat.rate-limit': Type.Integer({ default: 40, minimum: 0 }),
  'cache.heartbeat.rate-window-ms': Type.Integer({ default: 60_000, minimum: 100 }),
  /** A viewer stops counting this long after its last heartbeat (three missed beats). */
  'cache.stats.viewer-ttl-seconds': Type.Integer({ default: 45, minimum: 1, maximum: 3600 }),
  /** Where a new consumer group starts on the synced topics (tests start at the end). */
  'cache.consumer.start-from': Type.Union([Type.Literal('earliest'), Type.Literal('latest')], { default: 'earliest' }),
  'cache.stats.tick-ms': Type.Integer({ default: 2000, minimum: 50, maximum: 60_000 }),
  /** How often the per-minute samples are written to PostgreSQL. */
  'cache.stats.sample-ms': Type.Integer({ default: 10_000, minimum: 100, maximum: 60_000 }),
  /** How long an ended channel's viewer set and presence stay in Redis. */
  'cache.live.ended-ttl-seconds': Type.Integer({ default: 120, minimum: 1, maximum: 86_400 }),
  /** How long a chat node counts as present after a join, without a snapshot. */
  'cache.presence.join-ttl-seconds': Type.Integer({ default: 45, minimum: 1, maximum: 3600 }),
  /** Budget for asking the channel service whether a channel no event named exists. */
  'cache.channel.timeout-ms': Type.Integer({ default: 2000, minimum: 50, maximum: 60_000 }),
  /** Chat messages older than this are deleted from PostgreSQL; 0 keeps them all. */
  'cache.chat.retention-days': Type.Integer({ default: 0, minimum: 0 }),
});

const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

export const cacheService = defineService('cache', CacheConfig, async (ctx) => {
  const config = ctx.config;
  const values = config.values;
  const { logger } = ctx;

  const { db } = await openDatabase(ctx, { defaultSchema: 'cache_service', migrationsDir });
  const redis = openRedis(ctx);
  const producer = openProducer(ctx);
  const keys = new CacheKeys(values['cache.redis.key-prefix'], values['cache.live-viewers-key']);
  const cache = new RedisCache(redis, keys, {
    historyCap: () => config.get('cache.history.redis-cap'),
    endedTtlSeconds: () => config.get('cache.live.ended-ttl-seconds'),
    viewerTtlMs: () => config.get('cache.stats.viewer-ttl-seconds') * 1000,
  });
  const store = new PgCacheStore(db);

  const group = values['cache.consumer-group'];
  startBatchConsumer(ctx, {
    name: 'kafka-sync',
    groupId: group,
    topics: syncTopics,
    handleBatch: syncHandler({
      writer: new PgSyncWriter(db),
      cache,
      presenceTtlMs: () => config.get('cache.presence.join-ttl-seconds') * 1000,
    }),
    producer,
    maxBatch: values['cache.sync.batch-size'],
    maxWaitMs: values['cache.sync.flush-ms'],
    isTransient,
    startFrom: values['cache.consumer.start-from'],
  });
  startBatchConsumer(ctx, {
    name: 'kafka-heartbeats',
    groupId: `${group}.heartbeats`,
    topics: heartbeatTopics,
    handleBatch: heartbeatHandler({ cache }),
    producer,
    maxBatch: 5000,
    // Heartbeats are counted within a few hundred ms; the 15 s target leaves room.
    maxWaitMs: 200,
    isTransient,
    // A heartbeat older than the viewer window counts for nothing: a new group starts at the end.
    startFrom: 'latest',
  });

  const ticker = new StatsTicker({
    cache,
    store,
    logger,
    tickMs: () => config.get('cache.stats.tick-ms'),
    sampleMs: () => config.get('cache.stats.sample-ms'),
  });
  ticker.start();
  ctx.lifecycle.onClose('stats ticker', () => ticker.stop());
  const retention = startRetention({ store, logger, retentionDays: () => config.get('cache.chat.retention-days') });
  ctx.lifecycle.onClose('chat retention', () => retention.stop());

  const cap = () => config.get('cache.history.redis-cap');
  return buildCacheApp({
    app: ctx.createApp({ bodyLimit: 16 * 1024 }),
    history: new History({
      store,
      cache,
      cap,
      onCacheError: (error) => logger.warn({ err: error }, 'history cache failed; PostgreSQL answered'),
    }),
    replay: new Replay({ store }),
    participants: new Participants({ cache }),
    stats: new Stats({
      store,
      cache,
      publisher: new KafkaHeartbeatPublisher(producer),
      channels: new HttpChannelDirectory({
        discovery: ctx.discovery,
        credential: (method, path) => ctx.trust.internalHeaders(method, path),
        timeoutMs: () => config.get('cache.channel.timeout-ms'),
      }),
      rateLimit: () => ({
        limit: config.get('cache.heartbeat.rate-limit'),
        windowMs: config.get('cache.heartbeat.rate-window-ms'),
      }),
    }),
  });
});

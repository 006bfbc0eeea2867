import { fileURLToPath } from 'node:url';
import { LIVE_VIEWERS_KEY, Topics } from '@phzzk/contracts';
import {
  defineService,
  openDatabase,
  openProducer,
  openRedis,
  serviceConfig,
  startConsumer,
  startOutbox,
  startProcessedEventsPruning,
} from '@phzzk/kit';
import Type from 'typebox';
import { AesStreamKeySealer } from './adapters/aes-stream-key-sealer.ts';
import { channelEventSubscriptions } from './adapters/event-handler.ts';
import { PgChannelStore } from './adapters/pg-channel-store.ts';
import { RedisLiveViewers } from './adapters/redis-live-viewers.ts';
import { RedisReadCache } from './adapters/redis-read-cache.ts';
import { buildChannelApp } from './app.ts';
import { Channels } from './domain/channels.ts';

export const ChannelConfig = serviceConfig(['database', 'kafka', 'redis'], {
  /** Shown to streamers with their key: OBS publishes to `<ingest-url>/<stream key>`. */
  'channel.ingest-url': Type.String({ default: 'rtmp://localhost:1935/live', pattern: '^rtmps?://' }),
  /** Consumer group for user.events and channel.events; tests give each run its own. */
  'channel.consumer-group': Type.String({ default: 'channel', minLength: 1, maxLength: 128 }),
  /**
   * Seals the owner-viewable copy of stream keys (authorization uses digests, not this). Set it as
   * a `{cipher}` value; without it a built-in development secret is used and a warning logged.
   */
  'channel.stream-key.secret': Type.Optional(Type.String({ minLength: 16 })),
  /** Prefix of every Redis key of this service. */
  'channel.redis.key-prefix': Type.String({ default: 'phzzk:channel:', minLength: 1, maxLength: 128 }),
  /** The caching service's sorted set of live channels by viewers (LIVE_VIEWERS_KEY); tests override it. */
  'channel.live-viewers-key': Type.String({ default: LIVE_VIEWERS_KEY, minLength: 1, maxLength: 200 }),
  'channel.cache.live-ttl-seconds': Type.Integer({ default: 30, minimum: 1, maximum: 3600 }),
  'channel.cache.directory-ttl-seconds': Type.Integer({ default: 5, minimum: 1, maximum: 3600 }),
});

const DEVELOPMENT_SEALING_SECRET = 'phzzk-channel-development-only-stream-key-secret';
const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

export const channelService = defineService('channel', ChannelConfig, async (ctx, config) => {
  const { logger } = ctx;

  const { db, schema } = await openDatabase(ctx, {
    defaultSchema: 'channel_service',
    migrationsDir,
    kitTables: ['outbox', 'processed-events'],
  });
  // Redis only speeds reads up: when it is away, PostgreSQL answers and the instance stays ready.
  const redis = openRedis(ctx, { critical: false });
  const cache = new RedisReadCache({
    redis,
    prefix: config['channel.redis.key-prefix'],
    liveTtlSeconds: () => ctx.config.get('channel.cache.live-ttl-seconds'),
    pageTtlSeconds: () => ctx.config.get('channel.cache.directory-ttl-seconds'),
    logger,
  });

  const producer = openProducer(ctx);
  const relay = startOutbox(ctx, { db, producer, schema, topic: Topics.channelEvents });

  const secret = config['channel.stream-key.secret'];
  if (!secret) logger.warn('channel.stream-key.secret is not set: using the development secret to seal stream keys');
  const store = new PgChannelStore(db);
  const channels = new Channels({
    store,
    cache,
    sealer: new AesStreamKeySealer(secret ?? DEVELOPMENT_SEALING_SECRET),
    onEvent: () => relay.kick(),
    viewers: new RedisLiveViewers({ redis, key: () => ctx.config.get('channel.live-viewers-key'), logger }),
  });

  const group = config['channel.consumer-group'];
  // Not critical: the HTTP API works without Kafka; channels and live state then lag behind.
  startConsumer(ctx, {
    groupId: group,
    subscriptions: channelEventSubscriptions({
      db,
      store,
      cache,
      issueKey: (channelId) => channels.issueKey(channelId),
      consumer: group,
      logger,
    }),
    producer,
  });
  // The ids processOnce remembers are forgotten after the retention (hourly, in batches).
  startProcessedEventsPruning(ctx, db);

  return buildChannelApp({
    app: ctx.createApp({ bodyLimit: 64 * 1024 }),
    channels,
    ingestUrl: () => ctx.config.get('channel.ingest-url'),
  });
});

import { fileURLToPath } from 'node:url';
import { CHAT_MAX_CLIENT_FRAME_BYTES, CHAT_WELCOME_HISTORY_MESSAGES } from '@phzzk/contracts';
import { defineService, openDatabase, openProducer, openRedis, serviceConfig, startConsumer } from '@phzzk/kit';
import Type from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { ChannelDirectoryClient } from './adapters/channel-directory-client.ts';
import { createChatMetrics } from './adapters/chat-metrics.ts';
import { ChatKeys } from './adapters/chat-keys.ts';
import { ControlBus } from './adapters/control-bus.ts';
import { KafkaEventSink, KafkaPresenceSink } from './adapters/kafka-sinks.ts';
import { PgModerationStore } from './adapters/pg-moderation-store.ts';
import { RedisChatLog } from './adapters/redis-chat-log.ts';
import { RedisConnectionLimits } from './adapters/redis-connection-limits.ts';
import { RedisFeedSource } from './adapters/redis-feed-source.ts';
import { RedisRelayLog } from './adapters/redis-relay-log.ts';
import { ServiceClient } from './adapters/service-client.ts';
import { UserDirectoryAdapter } from './adapters/user-directory.ts';
import { buildChatApp } from './app.ts';
import { ConnectionLimits } from './domain/connection-limits.ts';
import { ChatModeration } from './domain/moderation-actions.ts';
import { PresenceTracker } from './domain/presence.ts';
import { buildRules } from './domain/rules.ts';
import { ChannelFeeds } from './workers/channel-feeds.ts';
import { KafkaRelay } from './workers/kafka-relay.ts';
import { PresenceLoop } from './workers/presence-loop.ts';
import { userEventsSubscription } from './workers/user-events.ts';

const int = (def: number, minimum: number, maximum: number) => Type.Integer({ default: def, minimum, maximum });

export const ChatConfig = serviceConfig(['database', 'kafka', 'redis'], {
  /** Prefix of every Redis key and pub/sub channel of chat; tests give each run its own. */
  'chat.redis.key-prefix': Type.String({ default: 'phzzk:chat:', minLength: 1, maxLength: 128 }),
  /** Consumer group for user.events (one for all chat nodes). */
  'chat.consumer-group': Type.String({ default: 'chat', minLength: 1, maxLength: 128 }),
  /** A channel's log keeps at least this many events, and every event younger than keep-seconds. */
  'chat.log.keep-events': int(1000, 100, 1_000_000),
  'chat.log.keep-seconds': int(600, 10, 86_400),
  /** Hard bound of a channel's log, even of events not yet relayed to Kafka. */
  'chat.log.max-events': int(100_000, 1000, 10_000_000),
  /** Recent events each node holds per channel (welcomes and short resumes come from memory). */
  'chat.feed.recent-events': int(1000, 100, 100_000),
  'chat.feed.linger-ms': int(30_000, 0, 600_000),
  'chat.feed.sync-interval-ms': int(1000, 50, 60_000),
  'chat.rules.refresh-seconds': int(60, 1, 3600),
  'chat.rate.messages': int(20, 1, 1_000_000),
  'chat.rate.moderator-messages': int(100, 1, 1_000_000),
  'chat.rate.window-seconds': int(30, 1, 3600),
  'chat.connections.per-ip': int(50, 1, 1_000_000),
  'chat.connections.per-user': int(10, 1, 1_000_000),
  /** A node's connections stop counting toward the shared limits this long after it died. */
  'chat.connections.node-alive-seconds': int(15, 1, 3600),
  /** Frames per abuse window before the connection is closed with 1008. */
  'chat.abuse.frames-per-window': int(100, 5, 100_000),
  'chat.abuse.malformed-per-window': int(10, 1, 10_000),
  'chat.abuse.window-seconds': int(10, 1, 3600),
  'chat.socket.max-buffered-bytes': int(1_048_576, 16_384, 1_073_741_824),
  'chat.socket.ping-interval-seconds': int(25, 1, 600),
  'chat.socket.max-queued-sends': int(10, 1, 1000),
  'chat.presence.flush-ms': int(1000, 50, 60_000),
  'chat.presence.snapshot-seconds': int(15, 1, 1200),
  'chat.relay.interval-ms': int(200, 10, 60_000),
  'chat.relay.lease-ms': int(5000, 500, 600_000),
  'chat.channel.timeout-ms': int(2000, 50, 60_000),
  'chat.channel.cache-seconds': int(300, 1, 86_400),
  'chat.channel.unknown-cache-seconds': int(5, 0, 3600),
  'chat.follow.cache-seconds': int(30, 0, 3600),
});

const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

export const chatService = defineService('chat', ChatConfig, async (ctx, config) => {
  const get = ctx.config.get.bind(ctx.config);
  const { logger } = ctx;
  const node = ctx.identity.instanceId;

  const { db } = await openDatabase(ctx, { defaultSchema: 'chat_service', migrationsDir });
  const store = new PgModerationStore(db);
  // Redis holds the logs: without it nothing can be sent or delivered, so it is critical.
  const redis = openRedis(ctx, { critical: true });
  const keys = new ChatKeys(config['chat.redis.key-prefix']);
  const log = new RedisChatLog({
    redis,
    keys,
    retention: () => ({
      keepEvents: get('chat.log.keep-events'),
      keepMs: get('chat.log.keep-seconds') * 1000,
      maxEvents: get('chat.log.max-events'),
    }),
    seqFloor: (channelId) => store.seqFloor(channelId),
  });

  const credential = (method: string, path: string) => ctx.trust.internalHeaders(method, path);
  const channelClient = new ServiceClient({
    discovery: ctx.discovery,
    serviceId: 'channel',
    timeoutMs: () => get('chat.channel.timeout-ms'),
    credential,
  });
  const channels = new ChannelDirectoryClient(channelClient, () => ({
    channelMs: get('chat.channel.cache-seconds') * 1000,
    unknownMs: get('chat.channel.unknown-cache-seconds') * 1000,
    followMs: get('chat.follow.cache-seconds') * 1000,
  }));
  const users = new UserDirectoryAdapter(
    store,
    new ServiceClient({
      discovery: ctx.discovery,
      serviceId: 'user',
      timeoutMs: () => get('chat.channel.timeout-ms'),
      credential,
    }),
  );

  const source = new RedisFeedSource(redis, keys);
  ctx.lifecycle.onClose('chat feed subscriber', () => source.close());
  ctx.health.register('redis-feed', () => ({ ok: source.healthy }));
  const feeds = new ChannelFeeds({
    source,
    log,
    loadRules: async (channelId) => {
      const [channel, stored] = await Promise.all([channels.channel(channelId), store.load(channelId)]);
      if (!channel) throw new Error(`channel ${channelId} is gone`);
      return buildRules(channel.ownerId, stored);
    },
    recentEvents: config['chat.feed.recent-events'],
    lingerMs: config['chat.feed.linger-ms'],
    syncIntervalMs: config['chat.feed.sync-interval-ms'],
    rulesRefreshMs: config['chat.rules.refresh-seconds'] * 1000,
    logger,
  });
  ctx.lifecycle.onClose('chat feeds', () => feeds.close());

  const producer = openProducer(ctx);
  const relay = new KafkaRelay({
    log: new RedisRelayLog(redis, keys, log),
    sink: new KafkaEventSink(producer),
    store,
    owner: node,
    intervalMs: config['chat.relay.interval-ms'],
    leaseMs: config['chat.relay.lease-ms'],
    batch: 200,
    logger,
  });
  relay.start();
  ctx.lifecycle.onClose('chat relay', () => relay.stop());
  // Not critical: chat goes on while Kafka is away; the events wait in the logs.
  ctx.health.register('kafka-relay', () => relay.healthy(), { critical: false });

  const presence = new PresenceTracker();
  const presenceLoop = new PresenceLoop({
    tracker: presence,
    sink: new KafkaPresenceSink(producer),
    node,
    flushMs: config['chat.presence.flush-ms'],
    snapshotMs: config['chat.presence.snapshot-seconds'] * 1000,
    logger,
  });
  presenceLoop.start();
  ctx.lifecycle.onClose('chat presence', async () => {
    presenceLoop.stop();
    await presenceLoop.flush().catch(() => {});
  });

  const control = new ControlBus(redis, keys);
  const moderation = new ChatModeration({
    store,
    log,
    channels,
    rulesChanged: async (channelId) => {
      await control.publish({ kind: 'rules', channelId });
    },
    newId: uuidv7,
    now: Date.now,
  });

  const connectionLimits = new RedisConnectionLimits(
    redis,
    keys,
    new ConnectionLimits(() => ({
      perIp: get('chat.connections.per-ip'),
      perUser: get('chat.connections.per-user'),
    })),
    node,
    get('chat.connections.node-alive-seconds') * 1000,
    logger,
  );
  ctx.lifecycle.onClose('chat connection counts', () => connectionLimits.close());
  let connectionCount = () => 0;
  const observer = createChatMetrics(ctx.metrics, { connections: () => connectionCount(), feeds: () => feeds.size });
  const { app, sockets } = buildChatApp({
    app: ctx.createApp({ bodyLimit: 64 * 1024 }),
    moderation,
    socket: {
      feeds,
      channels,
      users,
      sender: {
        log,
        channels,
        limits: () => ({
          messages: get('chat.rate.messages'),
          moderatorMessages: get('chat.rate.moderator-messages'),
          windowMs: get('chat.rate.window-seconds') * 1000,
        }),
        newId: uuidv7,
        now: Date.now,
      },
      presence,
      limits: connectionLimits,
      readLog: (channelId, from) => log.range(channelId, from, undefined, get('chat.log.max-events')),
      settings: () => ({
        maxFrameBytes: CHAT_MAX_CLIENT_FRAME_BYTES,
        hardMaxFrameBytes: 64 * 1024,
        maxBufferedBytes: get('chat.socket.max-buffered-bytes'),
        framesPerWindow: get('chat.abuse.frames-per-window'),
        malformedPerWindow: get('chat.abuse.malformed-per-window'),
        abuseWindowMs: get('chat.abuse.window-seconds') * 1000,
        pingIntervalMs: get('chat.socket.ping-interval-seconds') * 1000,
        welcomeMessages: CHAT_WELCOME_HISTORY_MESSAGES,
        maxQueuedSends: get('chat.socket.max-queued-sends'),
      }),
      newId: uuidv7,
      appended: () => relay.kick(),
      observer,
      logger,
    },
  });
  connectionCount = () => sockets.connections.size;

  // Moderators, blocked terms and nicknames changed somewhere: every node applies it.
  await source.onControl((raw) => {
    const message = ControlBus.parse(raw);
    if (!message) return;
    if (message.kind === 'rules') void feeds.reloadRules(message.channelId);
    else {
      users.changed(message.userId);
      for (const connection of sockets.byUser.get(message.userId) ?? []) {
        if (connection.user) connection.user.nickname = message.nickname;
      }
      presence.update(message.userId, { nickname: message.nickname });
    }
  });

  const group = config['chat.consumer-group'];
  startConsumer(ctx, {
    groupId: group,
    subscriptions: [
      userEventsSubscription({
        store,
        nicknameChanged: (userId, nickname) => control.publish({ kind: 'nickname', userId, nickname }),
      }),
    ],
    producer,
  });

  return app;
});

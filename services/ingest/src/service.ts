import type { AddressInfo } from 'node:net';
import { defineService, openProducer, openRedis, serviceConfig, startConsumer } from '@phzzk/kit';
import Type from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { ChannelKeyClient } from './adapters/channel-key-client.ts';
import { FlvReaders } from './adapters/flv-readers.ts';
import { createIngestMetrics } from './adapters/ingest-metrics.ts';
import { KafkaEventSink } from './adapters/kafka-event-sink.ts';
import { RedisLiveLocks } from './adapters/redis-live-locks.ts';
import { RtmpIngest } from './adapters/rtmp-ingest.ts';
import { buildIngestApp } from './app.ts';
import { IngestSessions } from './domain/ingest-sessions.ts';
import { rotationEventSubscription } from './workers/rotation-events.ts';

export const IngestConfig = serviceConfig(['kafka', 'redis'], {
  'ingest.rtmp-port': Type.Integer({ default: 1935, minimum: 0, maximum: 65535 }),
  'ingest.rtmp-host': Type.String({ default: '0.0.0.0', minLength: 1 }),
  /** The RTMP application publishers use: rtmp://host:1935/<app>/<streamKey>. */
  'ingest.rtmp-app': Type.String({ default: 'live', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  /** A publisher that sends no media for this long is ended with reason `timeout`. */
  'ingest.stall-timeout-ms': Type.Integer({ default: 5000, minimum: 100, maximum: 600_000 }),
  /** Open RTMP connections one remote address may hold; more are refused at accept. */
  'ingest.rtmp.max-connections-per-ip': Type.Integer({ default: 10, minimum: 1, maximum: 100_000 }),
  /** A connection that has not completed the RTMP handshake after this long is closed. */
  'ingest.rtmp.handshake-timeout-ms': Type.Integer({ default: 5000, minimum: 100, maximum: 60_000 }),
  /** A connection that has not started a publish (key check included) after this long is closed. */
  'ingest.rtmp.setup-timeout-ms': Type.Integer({ default: 15_000, minimum: 100, maximum: 120_000 }),
  /** Budget for the channel service's stream-key check, every instance tried included. */
  'ingest.authorize-timeout-ms': Type.Integer({ default: 2000, minimum: 50, maximum: 30_000 }),
  'ingest.lock-ttl-ms': Type.Integer({ default: 5000, minimum: 500, maximum: 60_000 }),
  'ingest.lock-renew-ms': Type.Integer({ default: 1000, minimum: 100, maximum: 30_000 }),
  /** How far an HTTP-FLV reader may fall behind before it is dropped to the next key frame. */
  'ingest.reader.max-buffered-bytes': Type.Integer({ default: 8 * 1024 * 1024, minimum: 64 * 1024 }),
  /** Largest GOP kept for late joiners; a longer one is not cached (they wait for a key frame). */
  'ingest.gop-cache.max-bytes': Type.Integer({ default: 16 * 1024 * 1024, minimum: 64 * 1024 }),
});

/** The address this instance registers (as startService computes it) for URLs we hand out. */
function advertisedHost(host: string, publicHost: string | undefined): string {
  const h = publicHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  return h.includes(':') ? `[${h}]` : h;
}

export const ingestService = defineService('ingest', IngestConfig, async (ctx, config) => {
  const { instanceId } = ctx.identity;
  if (config['ingest.lock-renew-ms'] * 2 > config['ingest.lock-ttl-ms']) {
    throw new Error('ingest.lock-renew-ms must be at most half of ingest.lock-ttl-ms');
  }
  const lockTiming = { ttlMs: config['ingest.lock-ttl-ms'], renewEveryMs: config['ingest.lock-renew-ms'] };

  // Without Redis no publish can be admitted (the one-publisher lock lives there): critical.
  const redis = openRedis(ctx);
  const producer = openProducer(ctx);
  const events = new KafkaEventSink(producer, ctx.logger);
  ctx.lifecycle.onClose('channel events', async () => {
    await events.drain(3000);
    events.close();
  });
  // Events wait in memory (retried) while Kafka is away: reported, publishes go on.
  ctx.health.register(
    'kafka',
    () => {
      const producerHealth = producer.healthy();
      return { ok: producerHealth.ok, detail: producerHealth.detail ?? `${events.backlog} events waiting` };
    },
    { critical: false },
  );

  const app = ctx.createApp({ bodyLimit: 16 * 1024 });
  const host = advertisedHost(config['server.host'], config['server.public-host']);
  const httpPort = () => (app.server.listening ? (app.server.address() as AddressInfo).port : undefined);
  const sourceUrl = (sessionId: string) => {
    const port = httpPort();
    return port === undefined ? undefined : `http://${host}:${port}/internal/sessions/${sessionId}/source.flv`;
  };

  const readers = new FlvReaders({
    maxBufferedBytes: () => ctx.config.get('ingest.reader.max-buffered-bytes'),
    logger: ctx.logger,
    onSlowReader: () => metrics.slowReader(),
  });
  let live = () => 0;
  const metrics = createIngestMetrics(ctx.metrics, { sessions: () => live(), readers: () => readers.total });

  const sessions = new IngestSessions({
    keys: new ChannelKeyClient({
      discovery: ctx.discovery,
      timeoutMs: () => ctx.config.get('ingest.authorize-timeout-ms'),
      credential: (method, path) => ctx.trust.internalHeaders(method, path),
    }),
    locks: new RedisLiveLocks(redis, lockTiming),
    events,
    observer: metrics,
    ingestNode: instanceId,
    sourceUrl,
    newSessionId: uuidv7,
    app: config['ingest.rtmp-app'],
    lockTiming,
    log: ctx.logger,
  });
  live = () => sessions.list().length;

  const rtmp = new RtmpIngest({
    sessions,
    logger: ctx.logger,
    stallTimeoutMs: config['ingest.stall-timeout-ms'],
    limits: {
      maxConnectionsPerIp: config['ingest.rtmp.max-connections-per-ip'],
      handshakeTimeoutMs: config['ingest.rtmp.handshake-timeout-ms'],
      setupTimeoutMs: config['ingest.rtmp.setup-timeout-ms'],
    },
    maxGopBytes: config['ingest.gop-cache.max-bytes'],
    onBytes: (n) => metrics.bytesIn(n),
  });
  const rtmpAddress = await rtmp.listen(config['ingest.rtmp-port'], config['ingest.rtmp-host']);
  const rtmpUrl = `rtmp://${advertisedHost(config['ingest.rtmp-host'], config['server.public-host'])}:${rtmpAddress.port}/${config['ingest.rtmp-app']}`;
  const shutdown = async () => {
    sessions.beginShutdown();
    await rtmp.close(); // every publish ends ('shutdown'): stream.ended queued, locks released
    await sessions.settled();
  };
  ctx.lifecycle.onClose('rtmp server', shutdown);
  ctx.health.register('rtmp', () => ({ ok: rtmp.server.address() !== null, detail: rtmpUrl }));

  const renewal = setInterval(() => void sessions.renewLocks(), lockTiming.renewEveryMs);
  ctx.lifecycle.onClose('lock renewal', () => clearInterval(renewal));

  // Every ingest node must hear every rotation (only the one holding the session acts), and a
  // restarted node has no session to end: so a group of this instance's own, from the latest
  // event, that goes away with the instance.
  startConsumer(ctx, {
    name: 'rotations',
    groupId: `ingest-${instanceId}`,
    subscriptions: [rotationEventSubscription(sessions, ctx.logger)],
    startFrom: 'latest',
    deleteGroupOnStop: true,
    producer,
  });

  // Live sources are long responses: end the sessions before the HTTP server waits for them.
  app.addHook('preClose', shutdown);
  return buildIngestApp({
    app,
    sessions,
    sourceOf: (sessionId) => rtmp.source(sessionId),
    readers,
    sourceUrl,
    rtmpUrl,
  });
});

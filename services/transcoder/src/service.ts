import { TRANSCODER_KEY_PREFIX } from '@phzzk/contracts';
import { defineService, openProducer, openRedis, serviceConfig, startConsumer } from '@phzzk/kit';
import { spawnFfmpeg } from '@phzzk/media/ffmpeg';
import { DEFAULT_LADDER } from '@phzzk/media/ladder';
import Type from 'typebox';
import { FfmpegHealth } from './adapters/ffmpeg-health.ts';
import { FileSegmentStorage } from './adapters/file-segment-storage.ts';
import { openFlvSource } from './adapters/flv-source.ts';
import { createTranscoderMetrics } from './adapters/metrics.ts';
import { transcoderKeys } from './adapters/redis-keys.ts';
import { RedisLeases } from './adapters/redis-leases.ts';
import { RedisSessionStore } from './adapters/redis-session-store.ts';
import { buildTranscoderApp } from './app.ts';
import { DEFAULT_CLAIM_POLICY } from './domain/claims.ts';
import { resumePoint } from './domain/continuity.ts';
import { planRenditions } from './domain/rendition-plan.ts';
import { TranscodingStream } from './workers/transcoding-stream.ts';
import { transcoderEventSubscription } from './workers/session-events.ts';
import { StreamManager } from './workers/stream-manager.ts';

const Rung = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' }),
    height: Type.Integer({ minimum: 16, maximum: 4320 }),
    videoKbps: Type.Integer({ minimum: 50, maximum: 100_000 }),
    audioKbps: Type.Integer({ minimum: 16, maximum: 512 }),
  },
  { additionalProperties: false },
);

export const TranscoderConfig = serviceConfig(['kafka', 'redis'], {
  /** Where sessions' segments are kept for VOD: <root>/sessions/<sessionId>/<rendition>/. */
  'storage.root': Type.String({ default: '.phzzk/media', minLength: 1 }),
  'transcoder.consumer-group': Type.String({ default: 'transcoder', minLength: 1, maxLength: 128 }),
  /** Where a new consumer group starts reading channel.events. */
  'transcoder.consumer.start-from': Type.Union([Type.Literal('earliest'), Type.Literal('latest')], {
    default: 'earliest',
  }),
  /** Prefix of every Redis key; the gateway reads the holder key built from the default (contracts). */
  'transcoder.redis.key-prefix': Type.String({ default: TRANSCODER_KEY_PREFIX, minLength: 1, maxLength: 128 }),
  'transcoder.ffmpeg.path': Type.String({ default: 'ffmpeg', minLength: 1 }),
  'transcoder.ffmpeg.log-level': Type.String({ default: 'error', pattern: '^(quiet|panic|fatal|error|warning|info)$' }),
  /** x264 preset of the ladder rungs. */
  'transcoder.ffmpeg.preset': Type.Union(
    ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'].map((p) => Type.Literal(p)),
    { default: 'veryfast' },
  ),
  'transcoder.ffmpeg.probe-size': Type.Integer({ default: 65_536, minimum: 32, maximum: 50_000_000 }),
  'transcoder.ffmpeg.analyze-duration-us': Type.Integer({ default: 200_000, minimum: 0, maximum: 10_000_000 }),
  /** The ladder below the source (rungs at or above the source's height are left out). */
  'transcoder.ladder': Type.Array(Rung, { default: DEFAULT_LADDER.map((r) => ({ ...r })), maxItems: 8 }),
  'transcoder.source-audio-kbps': Type.Integer({ default: 128, minimum: 32, maximum: 512 }),
  /** Segment target (s): a segment closes at the first source key frame past 90% of it. */
  'transcoder.hls.target-duration': Type.Number({ default: 2, minimum: 1, maximum: 10 }),
  'transcoder.hls.part-target': Type.Number({ default: 0.2, minimum: 0.1, maximum: 1 }),
  'transcoder.lease-ms': Type.Integer({ default: 3000, minimum: 500, maximum: 60_000 }),
  'transcoder.renew-interval-ms': Type.Integer({ default: 1000, minimum: 100, maximum: 30_000 }),
  'transcoder.claim-interval-ms': Type.Integer({ default: 500, minimum: 50, maximum: 30_000 }),
  'transcoder.capacity': Type.Integer({ default: 16, minimum: 1, maximum: 1000 }),
  /** A finished stream is still served this long (players fetch its EXT-X-ENDLIST). */
  'transcoder.ended-linger-ms': Type.Integer({ default: 10_000, minimum: 0, maximum: 600_000 }),
  /** Origins (scheme://host:port) sources may come from; empty: any http(s) URL. */
  'transcoder.source.allowed-origins': Type.Array(Type.String({ pattern: '^https?://' }), { default: [] }),
  /** The source silent this long counts as dropped (reconnect). */
  'transcoder.source.idle-timeout-ms': Type.Integer({ default: 10_000, minimum: 500, maximum: 120_000 }),
  /** The source unreachable this long ends the session (ingest node gone without stream.ended). */
  'transcoder.source.give-up-after-ms': Type.Integer({ default: 60_000, minimum: 1000, maximum: 3_600_000 }),
  /** How long ffmpeg may take to write its last fragments when a stream ends. */
  'transcoder.drain-timeout-ms': Type.Integer({ default: 5000, minimum: 100, maximum: 60_000 }),
});

export const transcoderService = defineService('transcoder', TranscoderConfig, async (ctx, config) => {
  const { logger, identity } = ctx;

  const ffmpegPath = config['transcoder.ffmpeg.path'];
  const ffmpeg = new FfmpegHealth(ffmpegPath);
  const ffmpegState = await ffmpeg.check();
  if (!ffmpegState.ok) logger.error({ detail: ffmpegState.detail }, 'ffmpeg is not usable');
  ctx.health.register('ffmpeg', () => ffmpeg.check());

  const redis = openRedis(ctx);
  const keys = transcoderKeys(config['transcoder.redis.key-prefix']);
  const store = new RedisSessionStore(redis, keys);
  // The lease value is the discovery instance id: the gateway routes /hls/<channelId>/** by it.
  const leases = new RedisLeases(redis, keys, identity.instanceId);

  let manager: StreamManager | undefined;
  const metrics = createTranscoderMetrics(ctx.metrics, () => manager?.liveCount ?? 0);
  manager = new StreamManager({
    store,
    leases,
    metrics,
    logger,
    leaseMs: config['transcoder.lease-ms'],
    claimIntervalMs: config['transcoder.claim-interval-ms'],
    renewIntervalMs: config['transcoder.renew-interval-ms'],
    lingerMs: config['transcoder.ended-linger-ms'],
    policy: { ...DEFAULT_CLAIM_POLICY, capacity: config['transcoder.capacity'] },
    async createStream(session) {
      const plans = planRenditions(session, {
        ladder: ctx.config.get('transcoder.ladder'),
        sourceAudioKbps: ctx.config.get('transcoder.source-audio-kbps'),
      });
      if (plans.length === 0) throw new Error('the session has neither video nor audio');
      const resume = resumePoint(await store.continuity(session.channelId));
      const channelLogger = logger.child({ channelId: session.channelId, sessionId: session.sessionId });
      return new TranscodingStream({
        session,
        plans,
        resume,
        metrics,
        logger: channelLogger,
        storage: new FileSegmentStorage({
          root: config['storage.root'],
          sessionId: session.sessionId,
          logger: channelLogger,
        }),
        openSource: (url, options) =>
          openFlvSource(url, { ...options, credential: (method, path) => ctx.trust.internalHeaders(method, path) }),
        launchFfmpeg: (args, options) => spawnFfmpeg(ffmpegPath, args, options),
        settings: {
          encoder: {
            preset: ctx.config.get('transcoder.ffmpeg.preset'),
            partTarget: config['transcoder.hls.part-target'],
            probeSize: ctx.config.get('transcoder.ffmpeg.probe-size'),
            analyzeDurationUs: ctx.config.get('transcoder.ffmpeg.analyze-duration-us'),
            logLevel: ctx.config.get('transcoder.ffmpeg.log-level'),
          },
          targetDuration: config['transcoder.hls.target-duration'],
          sourceIdleMs: ctx.config.get('transcoder.source.idle-timeout-ms'),
          giveUpAfterMs: ctx.config.get('transcoder.source.give-up-after-ms'),
          drainTimeoutMs: ctx.config.get('transcoder.drain-timeout-ms'),
        },
        saveContinuity: (rendition, state) => store.saveContinuity(session.channelId, rendition, state),
        onGaveUp: () => {
          logger.warn({ channelId: session.channelId, sessionId: session.sessionId }, 'source gone; ending session');
          store.markEnded(session.channelId, session.sessionId).catch((error) => {
            logger.error({ err: error, channelId: session.channelId }, 'could not end the session');
          });
        },
      });
    },
  });

  const producer = openProducer(ctx);
  // Not critical: streams already claimed keep being served while Kafka is away.
  startConsumer(ctx, {
    groupId: config['transcoder.consumer-group'],
    subscriptions: [
      transcoderEventSubscription(store, logger, () => ctx.config.get('transcoder.source.allowed-origins')),
    ],
    producer,
    startFrom: config['transcoder.consumer.start-from'],
  });

  manager.start();
  ctx.lifecycle.onClose('live streams', () => manager.close());
  ctx.health.register('streams', () => manager.healthy());

  return buildTranscoderApp({
    app: ctx.createApp(),
    streamOf: (channelId) => manager.get(channelId),
    streams: () => manager.list(),
  });
});

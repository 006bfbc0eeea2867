import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@phzzk/contracts';
import { identityHeaders, type ServiceInstance, StaticDiscovery, startService } from '@phzzk/kit';
import {
  ApiClient,
  freshSchema,
  KafkaProbe,
  publishStreamEnded,
  publishUserRegistered,
  type ServiceProcess,
  serviceTestBed,
  startServiceProcess,
  testInfra,
  uniqueName,
  waitFor,
} from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { packagerService } from '../../src/service.ts';
import { removeDir } from './session-media.ts';

const TOPICS = [Topics.userEvents, Topics.channelEvents, Topics.vodEvents];

/** The real channel service as its own process, on a fresh schema: the authority on channel owners. */
export async function startChannel() {
  const infra = await testInfra();
  const schema = freshSchema(infra.databaseUrl, 'pkg_channel');
  const group = uniqueName('pkg_channel');
  const proc = await startServiceProcess(
    'channel',
    {
      DATABASE_URL: infra.databaseUrl,
      DATABASE_SCHEMA: schema.name,
      REDIS_URL: infra.redisUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      CHANNEL_CONSUMER_GROUP: group,
      CHANNEL_REDIS_KEY_PREFIX: `phzzk:test:${group}:`,
      DISCOVERY_MODE: 'static',
      LOG_LEVEL: 'warn',
    },
    { timeoutMs: 90_000 },
  );
  return {
    proc,
    instance: instanceOf('channel', proc),
    async stop() {
      await proc.stop('SIGTERM');
      await schema.drop();
    },
  };
}

function instanceOf(serviceId: string, proc: ServiceProcess): ServiceInstance {
  const url = new URL(proc.url);
  return {
    serviceId,
    instanceId: `${serviceId}-${proc.pid}`,
    host: url.hostname,
    port: Number(url.port),
    status: 'UP',
    metadata: {},
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * A packager on a fresh schema and consumer group, with a storage root of its own, against the real
 * PostgreSQL and Kafka; a producer for channel events, a probe on vod.events, and (optionally) the
 * real channel service to say who owns a channel.
 */
export async function startHarness(options: { channel?: boolean; env?: Record<string, string> } = {}) {
  const bed = await serviceTestBed('packager', TOPICS);
  const { brokers, group, producer } = bed;
  const channel = options.channel ? await startChannel() : undefined;
  const root = await mkdtemp(join(tmpdir(), 'phzzk-packager-'));
  const env: Record<string, string> = {
    ...bed.env,
    STORAGE_ROOT: root,
    PACKAGER_CONSUMER_GROUP: group,
    PACKAGER_CONSUMER_START_FROM: 'latest',
    PACKAGER_FINALIZE_SETTLE_MS: '1500',
    PACKAGER_STORYBOARD_INTERVAL_MS: '300',
    PACKAGER_STORYBOARD_MIN_NEW_TILES: '3',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  };
  const running = await startService(packagerService, {
    env,
    discovery: new StaticDiscovery(channel ? [channel.instance] : []),
  });
  await consuming(running.url);
  const probe = await KafkaProbe.start(brokers, [Topics.vodEvents, deadLetterTopic(Topics.channelEvents.name)]);
  const api = new ApiClient(running.url);

  function streamStarted(channelId: string, sessionId: string, startedAt = new Date()) {
    return producer.publish(Topics.channelEvents, 'stream.started', {
      sessionId,
      channelId,
      ingestNode: 'ingest-test',
      sourceUrl: `http://127.0.0.1:1/internal/sessions/${sessionId}/source.flv`,
      video: { codec: 'h264', width: 320, height: 180, fps: 25 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 1 },
      bitrateKbps: 500,
      startedAt: startedAt.toISOString(),
    });
  }

  function streamEnded(channelId: string, sessionId: string, endedAt = new Date()) {
    return publishStreamEnded(producer, channelId, sessionId, endedAt);
  }

  /** A user signed up (as the user service announces it), with the channel the channel service made. */
  async function registerStreamer() {
    if (!channel) throw new Error('the harness runs without the channel service');
    const userId = uuidv7();
    const nickname = `s${userId.slice(-8)}`;
    await publishUserRegistered(producer, userId, nickname);
    const channelApi = new ApiClient(channel.proc.url);
    const headers = identityHeaders({ userId, roles: ['user'] });
    const body = await waitFor(
      async () => {
        const res = await channelApi.get<{ id: string }>('/api/channels/me', headers);
        return res.status === 200 ? res.body : undefined;
      },
      { what: `the channel of ${nickname}`, timeoutMs: 120_000 },
    );
    return { userId, channelId: body.id, headers };
  }

  /** Waits for the VOD of a session to exist, and returns it. */
  async function vodOf(channelId: string, sessionId: string, headers: Record<string, string> = {}) {
    return waitFor(
      async () => {
        const res = await api.get<{ items: { id: string; sessionId: string; status: string }[] }>(
          `/api/vods?channelId=${channelId}&limit=100`,
          headers,
        );
        return res.status === 200 ? res.body.items.find((v) => v.sessionId === sessionId) : undefined;
      },
      { what: `the VOD of session ${sessionId}`, timeoutMs: 60_000 },
    );
  }

  return {
    url: running.url,
    api,
    root,
    env,
    producer,
    probe,
    channel,
    streamStarted,
    streamEnded,
    registerStreamer,
    vodOf,
    async stop() {
      await probe.stop();
      await running.stop();
      await channel?.stop();
      await bed.close();
      await removeDir(root);
    },
  };
}

/** Waits until a packager has joined its consumer group (it starts from the latest offsets). */
export async function consuming(url: string): Promise<void> {
  await waitFor(
    async () => {
      const health = (await (await fetch(`${url}/health`)).json()) as { checks: Record<string, { status: string }> };
      return health.checks['kafka-consumer']?.status === 'up';
    },
    { timeoutMs: 90_000, what: 'the packager to consume channel.events' },
  );
}

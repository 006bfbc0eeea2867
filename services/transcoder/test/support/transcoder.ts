import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@phzzk/contracts';
import {
  createLogger,
  createRedis,
  EventProducer,
  ensureTopics,
  type Redis,
  StaticDiscovery,
  startService,
} from '@phzzk/kit';
import {
  publishStreamEnded,
  type ServiceProcess,
  startServiceProcess,
  testInfra,
  uniqueName,
  waitFor,
} from '@phzzk/testing';
import { transcoderService } from '../../src/service.ts';

/** What several transcoder instances of one test share: Redis keys, consumer group, storage. */
export async function transcoderCluster(sourceOrigin: string, extraEnv: Record<string, string> = {}) {
  const infra = await testInfra();
  await ensureTopics(infra.kafkaBrokers, [
    { name: Topics.channelEvents.name, partitions: Topics.channelEvents.partitions },
    { name: `${Topics.channelEvents.name}.dlq`, partitions: 1 },
  ]);
  const prefix = `${uniqueName('phzzk:transcoder-test')}:`;
  const storageRoot = mkdtempSync(join(tmpdir(), 'phzzk-transcoder-'));
  const env: Record<string, string> = {
    REDIS_URL: infra.redisUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    LOG_LEVEL: process.env.TRANSCODER_TEST_LOG_LEVEL ?? 'silent',
    STORAGE_ROOT: storageRoot,
    TRANSCODER_REDIS_KEY_PREFIX: prefix,
    TRANSCODER_CONSUMER_GROUP: uniqueName('transcoder-test'),
    // Sessions published by earlier test runs must not be picked up.
    TRANSCODER_CONSUMER_START_FROM: 'latest',
    // Other suites publish stream.started on the same topic: pull only from this suite's source.
    TRANSCODER_SOURCE_ALLOWED_ORIGINS: sourceOrigin,
    TRANSCODER_FFMPEG_PRESET: 'ultrafast',
    TRANSCODER_HLS_TARGET_DURATION: '1',
    TRANSCODER_ENDED_LINGER_MS: '30000',
    ...extraEnv,
  };
  const redis = createRedis(infra.redisUrl, 'transcoder-test');
  const producer = new EventProducer({
    brokers: infra.kafkaBrokers,
    producer: 'ingest',
    logger: createLogger({ service: 'transcoder-test', instanceId: 'test', level: 'silent' }),
  });
  const processes: ServiceProcess[] = [];

  return {
    env,
    prefix,
    storageRoot,
    redis: redis as Redis,
    holderKey: (channelId: string) => `${prefix}holder:${channelId}`,
    sessionsKey: `${prefix}sessions`,

    /** An instance in this process (its app and internals are reachable). */
    async start(instanceId = uniqueName('transcoder')) {
      const running = await startService(transcoderService, {
        env: { ...env, INSTANCE_ID: instanceId },
        discovery: new StaticDiscovery([]),
      });
      await waitForConsumer(running.url);
      return running;
    },

    /** An instance as its own process (main.ts), so that a test can kill it -9. */
    async startProcess(instanceId = uniqueName('transcoder')) {
      const child = await startServiceProcess('transcoder', { ...env, INSTANCE_ID: instanceId });
      processes.push(child);
      await waitForConsumer(child.url);
      return { ...child, instanceId };
    },

    async publishStarted(
      channelId: string,
      sourceUrl: string,
      options: { width?: number; height?: number; audio?: boolean; video?: boolean } = {},
    ) {
      const sessionId = randomUUID();
      const data = {
        sessionId,
        channelId,
        ingestNode: 'ingest-test',
        sourceUrl,
        video:
          options.video === false
            ? null
            : { codec: 'avc', width: options.width ?? 640, height: options.height ?? 360, fps: 30 },
        audio: options.audio === false ? null : { codec: 'aac', sampleRate: 48000, channels: 1 },
        bitrateKbps: null,
        startedAt: new Date().toISOString(),
      };
      await producer.publish(Topics.channelEvents, 'stream.started', data);
      return data;
    },

    async publishEnded(channelId: string, sessionId: string) {
      await publishStreamEnded(producer, channelId, sessionId);
    },

    async close() {
      for (const p of processes) await p.stop('SIGKILL').catch(() => {});
      await producer.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      rmSync(storageRoot, { recursive: true, force: true });
    },
  };
}

async function waitForConsumer(url: string): Promise<void> {
  await waitFor(
    async () => {
      const health = (await (await fetch(`${url}/health`)).json()) as { checks: Record<string, { status: string }> };
      return health.checks['kafka-consumer']?.status === 'up';
    },
    { timeoutMs: 30_000, what: 'the transcoder to consume channel.events' },
  );
}

export const newChannelId = (): string => randomUUID();

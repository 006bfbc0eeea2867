import { Topics } from '@phzzk/contracts';
import {
  createRedis,
  ensureTopics,
  internalCallHeaders,
  parseStaticInstances,
  type RunningService,
  StaticDiscovery,
  startService,
} from '@phzzk/kit';
import { ApiClient, KafkaProbe, type ProbedMessage, testInfra, waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { type IngestConfig, ingestService } from '../../src/service.ts';
import { FakeChannelService } from './fake-channel.ts';

export type IngestNode = {
  running: RunningService<typeof IngestConfig>;
  api: ApiClient;
  rtmpUrl: string;
  rtmpPort: number;
  stop(): Promise<void>;
};

export type SessionListing = {
  rtmpUrl: string;
  sessions: {
    sessionId: string;
    channelId: string;
    phase: string;
    sourceUrl: string | null;
    video: { codec: string; width: number; height: number; fps: number } | null;
    audio: { codec: string; sampleRate: number; channels: number } | null;
    readers: number;
    bytesIn: number;
    mediaTimeMs: number | null;
    gopCacheBytes: number;
  }[];
};

export async function kafkaReady(): Promise<string[]> {
  const { kafkaBrokers } = await testInfra();
  await ensureTopics(kafkaBrokers, [
    { name: Topics.channelEvents.name, partitions: Topics.channelEvents.partitions },
    { name: `${Topics.channelEvents.name}.dlq`, partitions: 1 },
  ]);
  return kafkaBrokers;
}

/** An ingest node in this process, against the real Redis and Kafka, finding `channelUrl` in discovery. */
export async function startIngestNode(
  channelUrl: string | undefined,
  env: Record<string, string> = {},
): Promise<IngestNode> {
  const infra = await testInfra();
  const running = await startService(ingestService, {
    env: {
      REDIS_URL: infra.redisUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      INGEST_RTMP_PORT: '0',
      INGEST_RTMP_HOST: '127.0.0.1',
      LOG_LEVEL: process.env.INGEST_TEST_LOG ?? 'silent',
      ...env,
    },
    discovery: new StaticDiscovery(channelUrl ? parseStaticInstances(`channel=${channelUrl}`) : []),
  });
  // Everything the ingest serves is under /internal: called with an operator's service credential.
  const api = operatorClient(running.url);
  // Rotations are read from the latest offset on: the listener must have joined before a test rotates.
  await waitFor(
    async () =>
      (await api.get<{ checks: Record<string, { status: string }> }>('/health')).body.checks.rotations?.status === 'up',
    { timeoutMs: 30_000, what: 'the rotation listener to join its group' },
  );
  const listing = await api.get<SessionListing>('/internal/sessions');
  const rtmpUrl = listing.body.rtmpUrl;
  return {
    running,
    api,
    rtmpUrl,
    rtmpPort: Number(new URL(rtmpUrl.replace(/^rtmp:/, 'http:')).port),
    stop: () => running.stop(),
  };
}

/** The common setup of a test file: a fake channel service, a node, and a probe on channel.events. */
export async function ingestFixture(env: Record<string, string> = {}) {
  const brokers = await kafkaReady();
  const channel = await FakeChannelService.start();
  const node = await startIngestNode(channel.url, env);
  const probe = await KafkaProbe.start(brokers, [Topics.channelEvents]);
  const redis = createRedis((await testInfra()).redisUrl, 'ingest-test');
  return {
    brokers,
    channel,
    node,
    probe,
    redis,
    /** A fresh channel with its stream key registered at the fake channel service. */
    newChannel(): { channelId: string; streamKey: string } {
      const channelId = uuidv7();
      const streamKey = `live_${channelId.replaceAll('-', '')}_${'k'.repeat(43)}`;
      channel.keys.set(streamKey, channelId);
      return { channelId, streamKey };
    },
    publishUrl(streamKey: string): string {
      return `${node.rtmpUrl}/${streamKey}`;
    },
    event(type: string, channelId: string, timeoutMs = 20_000): Promise<ProbedMessage> {
      return probe.waitFor(
        (m) => m.event?.type === type && (m.event.data as { channelId: string }).channelId === channelId,
        timeoutMs,
      );
    },
    eventsOf(channelId: string): ProbedMessage[] {
      return probe.messages.filter(
        (m) => (m.event?.data as { channelId?: string } | undefined)?.channelId === channelId,
      );
    },
    async sessions(): Promise<SessionListing['sessions']> {
      return (await node.api.get<SessionListing>('/internal/sessions')).body.sessions;
    },
    async close() {
      await node.stop();
      await probe.stop();
      await channel.stop();
      redis.disconnect();
    },
  };
}

export type IngestFixture = Awaited<ReturnType<typeof ingestFixture>>;

/** A client that signs each call as a service (the ingest answers only /internal routes). */
export function operatorClient(url: string): ApiClient {
  return new ApiClient(url).withSigner((method, path) => internalCallHeaders(method, path));
}

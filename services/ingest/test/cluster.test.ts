import { Topics, type StreamEnded, type StreamStarted } from '@phzzk/contracts';
import { createRedis, type Redis } from '@phzzk/kit';
import { KafkaProbe, type ProbedMessage, startServiceProcess, testInfra, waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLiveLocks } from '../src/adapters/redis-live-locks.ts';
import { FakeChannelService } from './support/fake-channel.ts';
import {
  type IngestNode,
  kafkaReady,
  operatorClient,
  type SessionListing,
  startIngestNode,
} from './support/ingest-harness.ts';
import { ffmpegPublish, sourceHeaders } from './support/media-tools.ts';
import { TestRtmpClient } from '@phzzk/media/test-support/rtmp-client';

describe('ingest: one publisher per channel across nodes, the lock, and shutdown', () => {
  let brokers: string[];
  let channel: FakeChannelService;
  let probe: KafkaProbe;
  let redis: Redis;

  const newChannel = () => {
    const channelId = uuidv7();
    const streamKey = `live_${channelId.replaceAll('-', '')}_${'c'.repeat(43)}`;
    channel.keys.set(streamKey, channelId);
    return { channelId, streamKey };
  };
  const event = (type: string, channelId: string): Promise<ProbedMessage> =>
    probe.waitFor(
      (m) => m.event?.type === type && (m.event.data as { channelId: string }).channelId === channelId,
      20_000,
    );

  beforeAll(async () => {
    brokers = await kafkaReady();
    channel = await FakeChannelService.start();
    probe = await KafkaProbe.start(brokers, [Topics.channelEvents]);
    redis = createRedis((await testInfra()).redisUrl, 'ingest-cluster-test');
  });
  afterAll(async () => {
    await probe?.stop();
    await channel?.stop();
    redis?.disconnect();
  });

  it('the lock: compare-and-renew and compare-and-delete never touch another session', async () => {
    const locks = new RedisLiveLocks(redis, { ttlMs: 5000, renewEveryMs: 1000 });
    const channelId = uuidv7();
    const key = `phzzk:ingest:live:${channelId}`;
    expect(await locks.acquire(channelId, 'session-a')).toBe(true);
    expect(await locks.acquire(channelId, 'session-b')).toBe(false);
    expect(await locks.renew(channelId, 'session-b')).toBe('lost');
    await locks.release(channelId, 'session-b');
    expect(await redis.get(key)).toBe('session-a');
    await redis.pexpire(key, 100);
    expect(await locks.renew(channelId, 'session-a')).toBe('renewed');
    expect(await redis.pttl(key)).toBeGreaterThan(4000);
    await redis.del(key); // expired while Redis was away: the holder takes it back
    expect(await locks.renew(channelId, 'session-a')).toBe('renewed');
    expect(await redis.get(key)).toBe('session-a');
    await locks.release(channelId, 'session-a');
    expect(await redis.get(key)).toBeNull();
  });

  it('refuses a key live on another node with BadName, and accepts it there once the first ends', async () => {
    const a: IngestNode = await startIngestNode(channel.url);
    const b: IngestNode = await startIngestNode(channel.url);
    try {
      const { channelId, streamKey } = newChannel();
      const publisher = ffmpegPublish(`${a.rtmpUrl}/${streamKey}`, { seconds: 3 });
      const started = (await event('stream.started', channelId)).event!.data as StreamStarted['data'];
      expect(started.ingestNode).toBe(a.running.context.identity.instanceId);
      const rival = await TestRtmpClient.open(b.rtmpPort);
      expect((await rival.startPublish('live', streamKey)).code).toBe('NetStream.Publish.BadName');
      await rival.waitClosed();
      expect((await publisher.exited).code).toBe(0);
      await event('stream.ended', channelId);
      await waitFor(async () => (await redis.get(`phzzk:ingest:live:${channelId}`)) === null, { what: 'the lock' });
      const next = await TestRtmpClient.open(b.rtmpPort);
      expect((await next.startPublish('live', streamKey)).code).toBe('NetStream.Publish.Start');
      const listing = await b.api.get<SessionListing>('/internal/sessions');
      expect(listing.body.sessions.map((s) => s.channelId)).toEqual([channelId]);
      next.close();
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('on SIGTERM ends every session with stream.ended, frees the locks, then exits', async () => {
    const infra = await testInfra();
    const proc = await startServiceProcess('ingest', {
      REDIS_URL: infra.redisUrl,
      KAFKA_BROKERS: brokers.join(','),
      INGEST_RTMP_PORT: '0',
      INGEST_RTMP_HOST: '127.0.0.1',
      DISCOVERY_MODE: 'static',
      DISCOVERY_STATIC_INSTANCES: `channel=${channel.url}`,
      LOG_LEVEL: 'info',
    });
    const publishers: ReturnType<typeof ffmpegPublish>[] = [];
    try {
      const { rtmpUrl } = (await operatorClient(proc.url).get<SessionListing>('/internal/sessions')).body;
      const channels = [newChannel(), newChannel()];
      for (const c of channels) publishers.push(ffmpegPublish(`${rtmpUrl}/${c.streamKey}`, { seconds: 30 }));
      const sessions = await Promise.all(
        channels.map(async (c) => (await event('stream.started', c.channelId)).event!.data as StreamStarted['data']),
      );
      const readers = sessions.map((s) =>
        fetch(s.sourceUrl, { headers: sourceHeaders(s.sourceUrl) }).then((r) => r.arrayBuffer()),
      );
      const api = operatorClient(proc.url);
      await waitFor(
        async () => (await api.get<SessionListing>('/internal/sessions')).body.sessions.every((s) => s.readers === 1),
        { what: 'a reader on each session' },
      );
      expect(await proc.stop('SIGTERM'), proc.output()).toBe(0);
      for (const [i, c] of channels.entries()) {
        const ended = (await event('stream.ended', c.channelId)).event!.data as StreamEnded['data'];
        expect(ended).toMatchObject({ sessionId: sessions[i]!.sessionId, reason: 'disconnect' });
        expect(await redis.get(`phzzk:ingest:live:${c.channelId}`)).toBeNull();
      }
      // The live sources ended with their sessions (the HTTP server did not wait on them).
      for (const body of await Promise.all(readers)) expect(body.byteLength).toBeGreaterThan(1000);
      for (const p of publishers) expect((await p.exited).code).not.toBe(0);
    } finally {
      for (const p of publishers) p.kill();
      await proc.stop('SIGKILL');
    }
  });
});

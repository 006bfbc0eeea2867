import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer } from 'node:net';
import { Topics, type StreamEnded, type StreamStarted } from '@phzzk/contracts';
import { createLogger, EventProducer } from '@phzzk/kit';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestFixture, ingestFixture, startIngestNode } from './support/ingest-harness.ts';
import { ffmpegPublish, ffprobeStreams } from './support/media-tools.ts';
import { TestRtmpClient } from '@phzzk/media/test-support/rtmp-client';

const BAD_NAME = 'NetStream.Publish.BadName';
const REJECTED = 'NetStream.Publish.Rejected';

/** Writes bytes to the RTMP port and waits until the server closes the socket. */
function sendRaw(port: number, chunks: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      for (const chunk of chunks) socket.write(chunk);
      socket.end(); // a half-close: the server sees a truncated stream
    });
    socket.on('data', () => {});
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    setTimeout(() => reject(new Error('server did not close a garbage connection')), 15_000).unref();
  });
}

async function metric(f: IngestFixture, pattern: RegExp): Promise<number> {
  const text = (await f.node.api.get<string>('/metrics')).body;
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}

describe('ingest: refused publishes, bad input and faults', () => {
  let f: IngestFixture;

  beforeAll(async () => {
    f = await ingestFixture({ INGEST_STALL_TIMEOUT_MS: '1500' });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('refuses an unknown key (BadName), another app (Rejected), and closes the connection', async () => {
    const unknown = await TestRtmpClient.open(f.node.rtmpPort);
    expect((await unknown.startPublish('live', 'live_not-a-real-key')).code).toBe(BAD_NAME);
    await unknown.waitClosed();

    const { streamKey } = f.newChannel();
    const otherApp = await TestRtmpClient.open(f.node.rtmpPort);
    expect((await otherApp.startPublish('vod', streamKey)).code).toBe(REJECTED);
    await otherApp.waitClosed();

    expect(await metric(f, /ingest_publish_rejections_total\{[^}]*reason="unknown-key"[^}]*\} (\d+)/)).toBeGreaterThan(
      0,
    );
    expect(await metric(f, /ingest_publish_rejections_total\{[^}]*reason="bad-app"[^}]*\} (\d+)/)).toBeGreaterThan(0);
    expect(await f.sessions()).toEqual([]);
  });

  it('refuses with Rejected while the channel service is down, hangs or is absent, and never accepts media', async () => {
    const hanging = createServer(() => {}); // accepts connections, never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    try {
      for (const channelUrl of ['http://127.0.0.1:1', hangingUrl, undefined]) {
        const node = await startIngestNode(channelUrl, { INGEST_AUTHORIZE_TIMEOUT_MS: '500' });
        try {
          const { streamKey } = f.newChannel();
          const client = await TestRtmpClient.open(node.rtmpPort);
          const started = Date.now();
          expect((await client.startPublish('live', streamKey)).code).toBe(REJECTED);
          expect(Date.now() - started).toBeLessThan(1500);
          await client.waitClosed();
          const listing = await node.api.get<{ sessions: unknown[] }>('/internal/sessions');
          expect(listing.body.sessions).toEqual([]);
        } finally {
          await node.stop();
        }
      }
    } finally {
      hanging.close();
    }
  });

  it('asks another channel instance when one cannot be reached', async () => {
    const node = await startIngestNode(`http://127.0.0.1:1,${f.channel.url}`);
    try {
      for (let i = 0; i < 2; i++) {
        const { streamKey } = f.newChannel(); // the round robin starts once on each instance
        const client = await TestRtmpClient.open(node.rtmpPort);
        expect((await client.startPublish('live', streamKey)).code).toBe('NetStream.Publish.Start');
        client.close();
      }
    } finally {
      await node.stop();
    }
  });

  it('refuses with Rejected when Redis (the one-publisher lock) is unreachable, and reports not ready', async () => {
    const node = await startIngestNode(f.channel.url, { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const { streamKey } = f.newChannel();
      const client = await TestRtmpClient.open(node.rtmpPort);
      expect((await client.startPublish('live', streamKey)).code).toBe(REJECTED);
      await client.waitClosed();
      const health = await node.api.get<{ checks: Record<string, { status: string }> }>('/health');
      expect(health.status).toBe(503);
      expect(health.body.checks.redis?.status).toBe('down');
    } finally {
      await node.stop();
    }
  });

  it('keeps live streams going through random and truncated bytes on the RTMP port', async () => {
    const { channelId, streamKey } = f.newChannel();
    const publisher = ffmpegPublish(f.publishUrl(streamKey), { seconds: 4 });
    try {
      const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
      const reading = ffprobeStreams(started.sourceUrl);
      const port = f.node.rtmpPort;
      const c0c1 = Buffer.concat([Buffer.of(3), randomBytes(1536)]);
      await Promise.all([
        sendRaw(port, [randomBytes(64 * 1024)]),
        sendRaw(port, [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]),
        sendRaw(port, [c0c1.subarray(0, 700)]), // truncated handshake
        sendRaw(port, [c0c1, randomBytes(1536), randomBytes(4096)]), // handshake, then a garbage chunk stream
        sendRaw(port, [c0c1, randomBytes(1536), Buffer.from([0x03, 0, 0, 0, 0, 0x00, 0x40, 0x14, 0, 0, 0])]), // truncated message
      ]);
      const streams = await reading;
      expect(Number(streams.find((s) => s.codec_type === 'video')?.nb_read_frames)).toBeGreaterThan(60);
      expect((await publisher.exited).code).toBe(0);
      const ended = (await f.event('stream.ended', channelId)).event!.data as StreamEnded['data'];
      expect(ended.reason).toBe('unpublish');
      expect((await f.node.api.get('/health')).status).toBe(200);
    } finally {
      publisher.kill();
    }
  });

  it('refuses a second publisher on a live key with BadName; the first keeps its session', async () => {
    const { channelId, streamKey } = f.newChannel();
    const publisher = ffmpegPublish(f.publishUrl(streamKey), { seconds: 30 });
    try {
      const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
      const second = await TestRtmpClient.open(f.node.rtmpPort);
      expect((await second.startPublish('live', streamKey)).code).toBe(BAD_NAME);
      await second.waitClosed();
      const ffmpegSecond = ffmpegPublish(f.publishUrl(streamKey), { seconds: 2 });
      expect((await ffmpegSecond.exited).code).not.toBe(0);
      expect((await f.sessions()).map((s) => s.sessionId)).toEqual([started.sessionId]);
      expect(await f.redis.get(`phzzk:ingest:live:${channelId}`)).toBe(started.sessionId);
      expect(
        await metric(f, /ingest_publish_rejections_total\{[^}]*reason="already-live"[^}]*\} (\d+)/),
      ).toBeGreaterThan(1);
    } finally {
      publisher.kill();
    }
    const ended = (await f.event('stream.ended', channelId)).event!.data as StreamEnded['data'];
    expect(ended.reason).toBe('disconnect'); // killed without an unpublish
  });

  it('ends a stalled publisher with timeout', async () => {
    const { channelId, streamKey } = f.newChannel();
    const publisher = ffmpegPublish(f.publishUrl(streamKey), { seconds: 30 });
    try {
      await f.event('stream.started', channelId);
      process.kill(publisher.pid, 'SIGSTOP'); // the socket stays open, nothing more is sent
      const ended = (await f.event('stream.ended', channelId, 10_000)).event!.data as StreamEnded['data'];
      expect(ended.reason).toBe('timeout');
      await waitFor(async () => (await f.redis.get(`phzzk:ingest:live:${channelId}`)) === null, {
        what: 'the lock of the stalled session to be freed',
      });
    } finally {
      publisher.kill('SIGKILL');
    }
  });

  it('ends the live session when its stream key is rotated, and refuses the old key after', async () => {
    const { channelId, streamKey } = f.newChannel();
    const publisher = ffmpegPublish(f.publishUrl(streamKey), { seconds: 30 });
    const producer = new EventProducer({
      brokers: f.brokers,
      producer: 'channel-test',
      logger: createLogger({ service: 'test', instanceId: 'test', level: 'silent' }),
    });
    try {
      const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
      f.channel.keys.delete(streamKey); // what the channel service's rotation does to the old key
      await producer.publish(Topics.channelEvents, 'stream-key.rotated', {
        channelId,
        rotatedAt: new Date().toISOString(),
      });
      const ended = (await f.event('stream.ended', channelId)).event!.data as StreamEnded['data'];
      expect(ended).toMatchObject({ sessionId: started.sessionId, reason: 'key-rotated' });
      expect((await publisher.exited).code).not.toBe(0);
      const again = await TestRtmpClient.open(f.node.rtmpPort);
      expect((await again.startPublish('live', streamKey)).code).toBe(BAD_NAME);
      again.close();
    } finally {
      publisher.kill();
      await producer.close();
    }
  });

  it('ends a session whose lock another holder took (error), within about a renewal period', async () => {
    const { channelId, streamKey } = f.newChannel();
    const publisher = ffmpegPublish(f.publishUrl(streamKey), { seconds: 30 });
    try {
      const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
      await f.redis.set(`phzzk:ingest:live:${channelId}`, 'someone-else', 'PX', 5000);
      const ended = (await f.event('stream.ended', channelId, 5000)).event!.data as StreamEnded['data'];
      expect(ended).toMatchObject({ sessionId: started.sessionId, reason: 'error' });
      expect(await f.redis.get(`phzzk:ingest:live:${channelId}`)).toBe('someone-else'); // not freed by us
    } finally {
      publisher.kill();
    }
  });

  it('answers 404 problems for unknown sessions', async () => {
    for (const id of ['01a20000-0000-7000-8000-000000000000', 'nope']) {
      const res = await f.node.api.get(`/internal/sessions/${id}/source.flv`);
      expect(res.status).toBe(404);
      expect(res.contentType).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    }
  });
});

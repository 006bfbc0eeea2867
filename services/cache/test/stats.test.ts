import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelStats, SessionStats } from '@phzzk/contracts';
import { Topics } from '@phzzk/contracts';
import { identityHeaders } from '@phzzk/kit';
import { KafkaProbe, waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CacheFixture, cacheFixture, startCache } from './support.ts';

let fx: CacheFixture;
let cache: Awaited<ReturnType<typeof startCache>>;
let probe: KafkaProbe;
/** Channels the stand-in channel service knows (created, never updated, never live: no channel event). */
const channelServiceKnows = new Set<string>();
const channelServiceAsked: string[] = [];
let channelService: Server;

beforeAll(async () => {
  fx = await cacheFixture();
  // A stand-in for the channel service's GET /api/channels/{id}, found through discovery.
  channelService = createServer((req, res) => {
    const id = /^\/api\/channels\/([0-9a-f-]{36})$/.exec(req.url ?? '')?.[1];
    if (id) channelServiceAsked.push(id);
    res.writeHead(id && channelServiceKnows.has(id) ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(id ? { id } : {}));
  });
  await new Promise<void>((resolve) => channelService.listen(0, '127.0.0.1', resolve));
  const { port } = channelService.address() as AddressInfo;
  cache = await startCache(
    fx,
    {
      // Short windows so that expiry is observable in a test; the defaults are 45 s and 40 per minute.
      CACHE_STATS_VIEWER_TTL_SECONDS: '3',
      CACHE_HEARTBEAT_RATE_LIMIT: '20',
      CACHE_HEARTBEAT_RATE_WINDOW_MS: '60000',
    },
    [{ serviceId: 'channel', instanceId: 'channel-stand-in', host: '127.0.0.1', port, status: 'UP', metadata: {} }],
  );
  probe = await KafkaProbe.start(fx.brokers, [Topics.viewerHeartbeats]);
  await fx.untilConsuming();
}, 90_000);

afterAll(async () => {
  await probe?.stop();
  await cache?.running.stop();
  await new Promise((resolve) => channelService?.close(resolve));
  await fx?.close();
});

let addressCounter = 0;
/** Each test speaks from its own address, as the gateway signs it (a client's X-Forwarded-For counts for nothing). */
const address = (userId?: string) =>
  identityHeaders(userId ? { userId } : {}, { clientIp: `10.0.0.${++addressCounter}` });

async function liveChannel() {
  const channelId = uuidv7();
  const started = await fx.streamStarted(channelId);
  await waitFor(
    async () =>
      (await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body.live === true ? true : undefined,
    { what: 'the channel to be live' },
  );
  return { channelId, sessionId: started.data.sessionId };
}

describe('viewer statistics', () => {
  it('counts concurrent viewers from heartbeats, keeps the peak, drops silent players, feeds the directory set', async () => {
    const { channelId, sessionId } = await liveChannel();
    const viewer = uuidv7();
    const from = address();
    const signedIn = address(viewer);
    const players = [uuidv7(), uuidv7(), uuidv7()];
    for (const [i, playerSessionId] of players.entries()) {
      const res = await cache.api.post(
        '/api/stats/heartbeat',
        { channelId, playerSessionId, ...(i === 0 ? { rendition: '720p', latencySeconds: 2.5 } : {}) },
        i === 0 ? signedIn : from,
      );
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ nextHeartbeatSeconds: 15 });
    }
    // The heartbeat went to Kafka as the contract says (with the signed-in viewer's id).
    const published = await probe.waitFor(
      (m) =>
        m.event?.data !== undefined && (m.event.data as { playerSessionId: string }).playerSessionId === players[0],
    );
    expect(published.key).toBe(channelId);
    expect(published.event?.data).toMatchObject({ channelId, userId: viewer, rendition: '720p', latencySeconds: 2.5 });

    const stats = await waitFor(async () => {
      const r = await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`);
      return r.body.viewers === 3 ? r.body : undefined;
    });
    expect(stats).toMatchObject({ live: true, viewers: 3, chatters: 0, messagesPerMinute: 0 });
    expect(typeof stats.startedAt).toBe('string');
    // The live directory's sorted set follows within a tick.
    await waitFor(async () => Number(await fx.redis.zscore(fx.liveViewersKey, channelId)) === 3, {
      what: 'the live-viewers set',
    });

    // Two players keep beating, one stops: it is dropped after the viewer ttl (3 s here).
    const keepBeating = setInterval(() => {
      for (const p of players.slice(0, 2))
        void cache.api.post('/api/stats/heartbeat', { channelId, playerSessionId: p }, address()).catch(() => {});
    }, 1000);
    try {
      const after = await waitFor(
        async () => {
          const r = await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`);
          return r.body.viewers === 2 ? r.body : undefined;
        },
        { timeoutMs: 10_000, what: 'the silent player to be dropped' },
      );
      expect(after.peakViewers).toBe(3);
    } finally {
      clearInterval(keepBeating);
    }
    await waitFor(async () => Number(await fx.redis.zscore(fx.liveViewersKey, channelId)) === 2, {
      what: 'the set to follow',
    });

    // Per-minute samples of the session reach PostgreSQL.
    const history = await waitFor(async () => {
      const r = await cache.api.get<SessionStats>(`/api/stats/channels/${channelId}/sessions/${sessionId}`);
      return r.status === 200 && r.body.samples.length > 0 ? r.body : undefined;
    });
    expect(history.samples[0]!.viewers).toBeGreaterThanOrEqual(2);
    expect(history.peakViewers).toBe(3);
    expect(history.endedAt).toBeNull();

    // The stream ends: off the directory, heartbeats refused, the session keeps its peak.
    await fx.streamEnded(channelId, sessionId);
    await waitFor(async () => (await fx.redis.zscore(fx.liveViewersKey, channelId)) === null, {
      what: 'the channel to leave the set',
    });
    const offline = await waitFor(async () => {
      const r = await cache.api.post<{ code: string }>(
        '/api/stats/heartbeat',
        { channelId, playerSessionId: players[0] },
        address(),
      );
      return r.status === 409 ? r : undefined;
    });
    expect(offline.body.code).toBe('CHANNEL_OFFLINE');
    expect((await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body).toMatchObject({
      live: false,
      viewers: 0,
      startedAt: null,
    });
    const ended = await waitFor(async () => {
      const r = await cache.api.get<SessionStats>(`/api/stats/channels/${channelId}/sessions/${sessionId}`);
      return r.body.endedAt ? r.body : undefined;
    });
    expect(ended.peakViewers).toBe(3);
  }, 60_000);

  it('counts a player once whatever the number of heartbeats and duplicates', async () => {
    const { channelId } = await liveChannel();
    const playerSessionId = uuidv7();
    for (let i = 0; i < 3; i++)
      expect((await cache.api.post('/api/stats/heartbeat', { channelId, playerSessionId }, address())).status).toBe(
        202,
      );
    const beat = await probe.waitFor(
      (m) => (m.event?.data as { playerSessionId?: string })?.playerSessionId === playerSessionId,
    );
    // The same event delivered again.
    await fx.producer.publish(Topics.viewerHeartbeats, 'viewer.heartbeat', beat.event!.data as never, {
      id: beat.event!.id,
    });
    // A second player's heartbeat, behind the duplicate on the channel's partition: once it counts,
    // the duplicate has been consumed too.
    expect(
      (await cache.api.post('/api/stats/heartbeat', { channelId, playerSessionId: uuidv7() }, address())).status,
    ).toBe(202);
    await waitFor(
      async () => (await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body.viewers === 2,
    );
    expect(await fx.redis.zcard(`${fx.prefix}viewers:${channelId}`)).toBe(2);
  }, 30_000);

  it('accepts heartbeats arriving together (sent to Kafka in one request) and counts each player', async () => {
    const { channelId } = await liveChannel();
    const players = Array.from({ length: 60 }, () => uuidv7());
    const answers = await Promise.all(
      players.map((playerSessionId) =>
        cache.api.post('/api/stats/heartbeat', { channelId, playerSessionId }, address()),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(players.map(() => 202));
    // Every one of them reached Kafka as its own event, keyed by the channel.
    const published = await waitFor(() => {
      const mine = probe.messages.filter((m) => m.key === channelId);
      return mine.length >= players.length ? mine : undefined;
    });
    expect(
      new Set(published.map((m) => (m.event?.data as { playerSessionId?: string } | undefined)?.playerSessionId)),
    ).toEqual(new Set(players));
    await waitFor(
      async () => (await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body.viewers === 60,
    );
  }, 30_000);

  it('refuses heartbeats for unknown and offline channels, and bad bodies', async () => {
    const unknownId = uuidv7();
    const unknown = await cache.api.post<{ code: string }>(
      '/api/stats/heartbeat',
      { channelId: unknownId, playerSessionId: uuidv7() },
      address(),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CHANNEL_NOT_FOUND');
    expect(unknown.contentType).toContain('application/problem+json');

    // Known (it had a stream) but not live now.
    const { channelId, sessionId } = await liveChannel();
    await fx.streamEnded(channelId, sessionId);
    await waitFor(
      async () => (await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body.live === false,
    );
    const offline = await cache.api.post<{ code: string }>(
      '/api/stats/heartbeat',
      { channelId, playerSessionId: uuidv7() },
      address(),
    );
    expect(offline.status).toBe(409);

    // A channel that exists but never had a channel event (created, never updated, never live):
    // the channel service vouches for it, so it is offline (409), not unknown (404).
    const quiet = uuidv7();
    channelServiceKnows.add(quiet);
    const quietBeat = await cache.api.post<{ code: string }>(
      '/api/stats/heartbeat',
      { channelId: quiet, playerSessionId: uuidv7() },
      address(),
    );
    expect(quietBeat.status).toBe(409);
    expect(quietBeat.body.code).toBe('CHANNEL_OFFLINE');
    expect((await cache.api.get<ChannelStats>(`/api/stats/channels/${quiet}`)).body).toMatchObject({
      live: false,
      viewers: 0,
    });
    // Remembered as a channel event would have it: asked once, not on every heartbeat.
    expect(await fx.sql('select 1 from $schema.known_channels where channel_id = $1', [quiet])).toHaveLength(1);
    expect(channelServiceAsked.filter((id) => id === quiet)).toHaveLength(1);
    // The unknown one was asked too, and the channel service said no.
    expect(channelServiceAsked).toContain(unknownId);

    const id = uuidv7();
    for (const body of [
      {},
      { channelId: id },
      { channelId: 'x', playerSessionId: id },
      { channelId: id, playerSessionId: id, extra: 1 },
      { channelId: id, playerSessionId: id, latencySeconds: -1 },
      { channelId: id, playerSessionId: id, rendition: 'a'.repeat(33) },
      { channelId: id, playerSessionId: id, rendition: '<script>' },
      'not json',
    ]) {
      const res = await cache.api.post('/api/stats/heartbeat', body, address());
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await cache.api.get(`/api/stats/channels/${uuidv7()}`)).status).toBe(404);
    expect((await cache.api.get(`/api/stats/channels/${channelId}/sessions/${uuidv7()}`)).status).toBe(404);
    expect((await cache.api.get('/api/stats/channels/nope')).status).toBe(400);
  }, 30_000);

  it('rate limits a heartbeat flood from one address, not its neighbours', async () => {
    const { channelId } = await liveChannel();
    const flood = address();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push(
        (await cache.api.post('/api/stats/heartbeat', { channelId, playerSessionId: uuidv7() }, flood)).status,
      );
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const limited = await cache.api.post<{ code: string }>(
      '/api/stats/heartbeat',
      { channelId, playerSessionId: uuidv7() },
      flood,
    );
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (await cache.api.post('/api/stats/heartbeat', { channelId, playerSessionId: uuidv7() }, address())).status,
    ).toBe(202);
    // Only accepted heartbeats count.
    await waitFor(
      async () => (await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body.viewers === 21,
    );
  }, 30_000);

  it('recovers the live state and the counts after Redis lost them', async () => {
    const { channelId } = await liveChannel();
    const players = [uuidv7(), uuidv7()];
    const chatter = fx.user('chatter');
    await fx.message(channelId, chatter);
    for (const p of players) await cache.api.post('/api/stats/heartbeat', { channelId, playerSessionId: p }, address());
    await waitFor(async () => {
      const s = (await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body;
      return s.viewers === 2 && s.chatters === 1;
    });
    await fx.flushRedis();
    // The ticker rebuilds the live set and the chat activity from PostgreSQL.
    const rebuilt = await waitFor(async () => {
      const s = (await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body;
      return s.live && s.chatters === 1 ? s : undefined;
    });
    expect(rebuilt.viewers).toBe(0);
    // Players keep sending heartbeats (every 15 s in real life): the count is back with the next one.
    for (const p of players) {
      expect((await cache.api.post('/api/stats/heartbeat', { channelId, playerSessionId: p }, address())).status).toBe(
        202,
      );
    }
    await waitFor(
      async () => (await cache.api.get<ChannelStats>(`/api/stats/channels/${channelId}`)).body.viewers === 2,
    );
    await waitFor(async () => Number(await fx.redis.zscore(fx.liveViewersKey, channelId)) === 2);
  }, 30_000);
});

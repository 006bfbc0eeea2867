import { deadLetterTopic, type LiveInfo, Topics } from '@phzzk/contracts';
import { createRedis } from '@phzzk/kit';
import { renditionsFor } from '@phzzk/media/ladder';
import { waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelHarness, startChannelService } from './support.ts';

type Page = {
  items: { id: string; ownerNickname: string; title: string; live: LiveInfo }[];
  nextCursor: string | null;
};
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('channel service: live sessions and the directory (real PostgreSQL, Redis, Kafka)', () => {
  let h: ChannelHarness;

  beforeAll(async () => {
    h = await startChannelService();
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function sessionRows(channelId: string) {
    const { rows } = await h.db.query(
      `select id, started_at is not null as started, ended_at is not null as ended, end_reason
       from ${h.schema.name}.live_sessions where channel_id = $1 order by created_at`,
      [channelId],
    );
    return rows;
  }

  it('goes live on stream.started with the HLS URL and the ladder, and offline on stream.ended', async () => {
    const { channel } = await h.registerUser();
    const startedAt = ago(1000);
    const started = await h.streamStarted(channel.id, { startedAt });
    const live = await h.waitForLive(channel.id, (l) => l.live, 'the channel to go live');
    const expected = renditionsFor({ width: 1920, height: 1080, bitrateKbps: 6000 }).map(({ name, width, height }) => ({
      name,
      width,
      height,
    }));
    expect(live).toEqual({
      live: true,
      sessionId: started.data.sessionId,
      startedAt,
      hlsUrl: `/hls/${channel.id}/master.m3u8`,
      renditions: expected,
      viewers: 0,
    });
    expect(live.renditions.map((r) => r.name)).toEqual(['source', '720p', '480p', '360p', '160p']);
    expect((await h.api.get(`/api/channels/${channel.id}`)).body).toMatchObject({ live });

    // The live state is cached in Redis, under this run's prefix.
    const redis = createRedis(h.infra.redisUrl, 'channel-test');
    try {
      const cached = await redis.get(`phzzk:test:${h.group}:live:${channel.id}`);
      expect(JSON.parse(cached ?? 'null')).toEqual(live);
    } finally {
      redis.disconnect();
    }

    await h.streamEnded(channel.id, started.data.sessionId);
    expect(await h.waitForLive(channel.id, (l) => !l.live, 'the channel to go offline')).toEqual({
      live: false,
      sessionId: null,
      startedAt: null,
      hlsUrl: null,
      renditions: [],
      viewers: 0,
    });
    expect(await sessionRows(channel.id)).toEqual([
      { id: started.data.sessionId, started: true, ended: true, end_reason: 'unpublish' },
    ]);
  });

  it('announces no renditions for an audio-only stream, and only rungs below a small source', async () => {
    const radio = await h.registerUser();
    await h.streamStarted(radio.channel.id, { video: null });
    expect((await h.waitForLive(radio.channel.id, (l) => l.live)).renditions).toEqual([]);

    const small = await h.registerUser();
    await h.streamStarted(small.channel.id, { video: { codec: 'avc1.42c01e', width: 640, height: 360, fps: 30 } });
    const live = await h.waitForLive(small.channel.id, (l) => l.live);
    expect(live.renditions).toEqual([
      { name: 'source', width: 640, height: 360 },
      { name: '160p', width: 284, height: 160 },
    ]);
  });

  it('ignores a duplicate start, an end for an unknown session, and a second end', async () => {
    const { channel } = await h.registerUser();
    const started = await h.streamStarted(channel.id);
    await h.processed(started.id);
    // Redelivery of the same event, and the same session announced again under a new event id.
    await h.producer.publish(Topics.channelEvents, 'stream.started', started.data, { id: started.id });
    await h.processed((await h.producer.publish(Topics.channelEvents, 'stream.started', started.data)).id);
    await h.processed((await h.streamEnded(channel.id, uuidv7())).id);
    expect((await h.api.get<LiveInfo>(`/api/channels/${channel.id}/live`)).body).toMatchObject({
      live: true,
      sessionId: started.data.sessionId,
    });

    const first = await h.streamEnded(channel.id, started.data.sessionId, new Date(Date.now() - 500));
    await h.processed(first.id);
    await h.processed((await h.streamEnded(channel.id, started.data.sessionId)).id);
    const rows = await sessionRows(channel.id);
    expect(rows.filter((r) => r.id === started.data.sessionId)).toEqual([
      { id: started.data.sessionId, started: true, ended: true, end_reason: 'unpublish' },
    ]);
    expect((await h.api.get(`/api/channels/${channel.id}/live`)).body).toMatchObject({ live: false });
  });

  it('does not go live when a session`s end arrives before its start', async () => {
    const { channel } = await h.registerUser();
    const sessionId = uuidv7();
    const startedAt = ago(5000);
    await h.processed((await h.streamEnded(channel.id, sessionId, new Date(Date.now() - 1000))).id);
    const started = await h.streamStarted(channel.id, { sessionId, startedAt });
    await h.processed(started.id);
    expect((await h.api.get(`/api/channels/${channel.id}/live`)).body).toMatchObject({ live: false });
    // The session is kept as history, with both ends.
    expect(await sessionRows(channel.id)).toEqual([
      { id: sessionId, started: true, ended: true, end_reason: 'unpublish' },
    ]);
    const directory = await h.api.get<Page>('/api/channels?live=true&limit=100');
    expect(directory.body.items.map((c) => c.id)).not.toContain(channel.id);
  });

  it('lets a newer session supersede one whose end was lost, never an older one', async () => {
    const { channel } = await h.registerUser();
    const lost = await h.streamStarted(channel.id, { startedAt: ago(60_000) });
    await h.processed(lost.id);
    const current = await h.streamStarted(channel.id, { startedAt: ago(30_000) });
    await h.waitForLive(channel.id, (l) => l.sessionId === current.data.sessionId);
    // A start older than the live one, delivered late: history only.
    const late = await h.streamStarted(channel.id, { startedAt: ago(45_000) });
    await h.processed(late.id);
    // The lost session's end, finally: changes nothing either.
    await h.processed((await h.streamEnded(channel.id, lost.data.sessionId)).id);
    expect((await h.api.get(`/api/channels/${channel.id}/live`)).body).toMatchObject({
      live: true,
      sessionId: current.data.sessionId,
    });
    const rows = await sessionRows(channel.id);
    expect(rows.find((r) => r.id === lost.data.sessionId)).toMatchObject({ ended: true, end_reason: 'superseded' });
    expect(rows.find((r) => r.id === late.data.sessionId)).toMatchObject({ ended: true, end_reason: 'superseded' });
    expect(rows.find((r) => r.id === current.data.sessionId)).toMatchObject({ ended: false });
  });

  it('lists live channels newest stream first, paged by cursor, with summaries', async () => {
    const users = [await h.registerUser(), await h.registerUser(), await h.registerUser()];
    // Started 3 s, 2 s and 1 s ago: the directory shows them in reverse.
    for (const [i, u] of users.entries()) await h.streamStarted(u.channel.id, { startedAt: ago(3000 - i * 1000) });
    for (const u of users) await h.waitForLive(u.channel.id, (l) => l.live);

    const seen: Page['items'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: Page } = await h.api.get<Page>(
        `/api/channels?live=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen.every((c) => c.live.live)).toBe(true);
    expect(new Set(seen.map((c) => c.id)).size).toBe(seen.length);
    const ours = seen.filter((c) => users.some((u) => u.channel.id === c.id));
    expect(ours.map((c) => c.id)).toEqual(users.map((u) => u.channel.id).reverse());
    expect(ours[0]).toEqual({
      id: users[2]!.channel.id,
      ownerId: users[2]!.userId,
      ownerNickname: users[2]!.nickname,
      title: users[2]!.nickname,
      category: null,
      tags: [],
      live: expect.objectContaining({ live: true, hlsUrl: `/hls/${users[2]!.channel.id}/master.m3u8` }),
    });

    // Offline and all listings.
    const offline = await h.api.get<Page>('/api/channels?live=false&limit=100');
    expect(offline.body.items.some((c) => c.live.live)).toBe(false);
    const all = await h.api.get<Page>('/api/channels?limit=100');
    expect(all.status).toBe(200);
    const ids = all.body.items.map((c) => c.id);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it('orders live channels by the viewers the caching service counts, and shows them', async () => {
    const users = [await h.registerUser(), await h.registerUser(), await h.registerUser()];
    for (const [i, u] of users.entries()) await h.streamStarted(u.channel.id, { startedAt: ago(3000 - i * 1000) });
    for (const u of users) await h.waitForLive(u.channel.id, (l) => l.live);
    // What the caching service maintains: channel id -> concurrent viewers.
    const redis = createRedis(h.infra.redisUrl, 'channel-test-viewers');
    try {
      await redis.zadd(h.liveViewersKey, 5, users[0]!.channel.id, 70, users[1]!.channel.id, 3, users[2]!.channel.id);
      const order = async () => {
        const seen: Page['items'] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 50; pages++) {
          const res: { body: Page } = await h.api.get<Page>(
            `/api/channels?live=true&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          );
          seen.push(...res.body.items);
          cursor = res.body.nextCursor;
          if (!cursor) break;
        }
        return seen.filter((c) => users.some((u) => u.channel.id === c.id));
      };
      // The page cache holds a page a few seconds; the order follows the counts by then.
      const ours = await waitFor(
        async () => {
          const o = await order();
          return o.map((c) => c.live.viewers).join() === '70,5,3' ? o : undefined;
        },
        { timeoutMs: 10_000, what: 'the directory to order by viewers' },
      );
      expect(ours.map((c) => c.id)).toEqual([users[1]!.channel.id, users[0]!.channel.id, users[2]!.channel.id]);
      expect((await h.api.get<LiveInfo>(`/api/channels/${users[1]!.channel.id}/live`)).body.viewers).toBe(70);
      expect((await h.api.get<{ live: LiveInfo }>(`/api/channels/${users[1]!.channel.id}`)).body.live.viewers).toBe(70);
      await redis.zadd(h.liveViewersKey, 71, users[1]!.channel.id);
      expect((await h.api.get<LiveInfo>(`/api/channels/${users[1]!.channel.id}/live`)).body.viewers).toBe(71);
    } finally {
      await redis.del(h.liveViewersKey);
      redis.disconnect();
    }
  });

  it('lists the live channels a user follows in one call (followed=true), in the directory order', async () => {
    const fan = await h.registerUser();
    const streamers = [await h.registerUser(), await h.registerUser(), await h.registerUser()];
    for (const [i, u] of streamers.entries()) await h.streamStarted(u.channel.id, { startedAt: ago(3000 - i * 1000) });
    for (const u of streamers) await h.waitForLive(u.channel.id, (l) => l.live);
    // The fan follows the first and the last; the middle one is live but not followed.
    for (const u of [streamers[0]!, streamers[2]!]) {
      expect((await h.api.put(`/api/channels/${u.channel.id}/follow`, undefined, fan.headers)).status).toBe(200);
    }
    const followed = async (query: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 20; pages++) {
        const res: { status: number; body: Page; headers: Headers } = await h.api.get<Page>(
          `/api/channels?followed=true&${query}${cursor ? `&cursor=${cursor}` : ''}`,
          fan.headers,
        );
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('private, no-store');
        ids.push(...res.body.items.map((c) => c.id));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return ids;
    };
    expect(await followed('live=true&limit=1')).toEqual([streamers[2]!.channel.id, streamers[0]!.channel.id]);
    expect(await followed('limit=100')).toEqual([streamers[2]!.channel.id, streamers[0]!.channel.id]);
    expect(await followed('live=false')).toEqual([]);
    // Another user's follows are not the fan's; nobody's without a caller.
    expect((await h.api.get<Page>('/api/channels?followed=true&live=true', streamers[1]!.headers)).body.items).toEqual(
      [],
    );
    const anonymous = await h.api.get<{ code: string }>('/api/channels?followed=true&live=true');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('AUTH_REQUIRED');
    // The public directory still lists all three (the follow filter is not cached into it).
    const all = (await h.api.get<Page>('/api/channels?live=true&limit=100')).body.items.map((c) => c.id);
    for (const u of streamers) expect(all).toContain(u.channel.id);
  });

  it('takes a channel out of the directory as soon as its stream ends (versioned page cache)', async () => {
    const { channel } = await h.registerUser();
    const started = await h.streamStarted(channel.id);
    await h.waitForLive(channel.id, (l) => l.live);
    const listed = async () =>
      (await h.api.get<Page>('/api/channels?live=true&limit=100')).body.items.some((c) => c.id === channel.id);
    expect(await listed()).toBe(true);
    await h.processed((await h.streamEnded(channel.id, started.data.sessionId)).id);
    // The directory version moves after the commit; allow for that one step only.
    await waitFor(async () => !(await listed()), { what: 'the channel to leave the directory', timeoutMs: 2000 });
  });

  it('rejects bad listing queries with 400 problems', async () => {
    const live = (await h.api.get<Page>('/api/channels?live=true&limit=1')).body;
    const all = (await h.api.get<Page>('/api/channels?limit=1')).body;
    expect(all.nextCursor).toEqual(expect.any(String));
    const bad: [string, string][] = [
      ['/api/channels?limit=101', 'VALIDATION_FAILED'],
      ['/api/channels?limit=0', 'VALIDATION_FAILED'],
      ['/api/channels?limit=abc', 'VALIDATION_FAILED'],
      ['/api/channels?live=maybe', 'VALIDATION_FAILED'],
      ['/api/channels?sort=viewers', 'VALIDATION_FAILED'],
      ['/api/channels?cursor=%27%3B--', 'VALIDATION_FAILED'],
      [`/api/channels?cursor=${'a'.repeat(300)}`, 'VALIDATION_FAILED'],
      ['/api/channels?cursor=bm90LWpzb24', 'INVALID_CURSOR'],
      [`/api/channels?cursor=${Buffer.from('["all","x"]').toString('base64url')}`, 'INVALID_CURSOR'],
      [`/api/channels?live=true&cursor=${all.nextCursor}`, 'INVALID_CURSOR'],
    ];
    if (live.nextCursor) bad.push([`/api/channels?cursor=${live.nextCursor}`, 'INVALID_CURSOR']);
    for (const [url, code] of bad) {
      const res = await h.api.get(url);
      expect(res.status, url).toBe(400);
      expect(res.body, url).toMatchObject({ code });
    }
    const unknown = await h.api.get(`/api/channels/${uuidv7()}/live`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
  });

  it('dead-letters poison events and events that keep failing, and goes on', async () => {
    const { channel } = await h.registerUser();
    const other = await h.registerUser();
    const marker = `poison-${uuidv7()}`;
    await h.producer.sendRaw(Topics.channelEvents.name, channel.id, Buffer.from(marker));
    // Valid by contract but impossible to apply: the session id belongs to another channel.
    const taken = await h.streamStarted(other.channel.id);
    await h.processed(taken.id);
    const clash = await h.streamStarted(channel.id, { sessionId: taken.data.sessionId });
    const after = await h.streamStarted(channel.id);

    const dlq = deadLetterTopic(Topics.channelEvents.name);
    const poison = await h.probe.waitFor(
      (m) => m.topic === dlq && m.headers['x-consumer-group'] === h.group && m.value.toString() === marker,
    );
    expect(poison.headers['x-attempts']).toBe('0');
    const failed = await h.probe.waitFor(
      (m) => m.topic === dlq && m.headers['x-consumer-group'] === h.group && m.event?.id === clash.id,
    );
    expect(Number(failed.headers['x-attempts'])).toBeGreaterThan(1);
    await h.waitForLive(channel.id, (l) => l.sessionId === after.data.sessionId, 'the event after the dead letters');
  });

  it('ignores stream events for channels it does not know', async () => {
    const unknown = uuidv7();
    const started = await h.streamStarted(unknown);
    await h.processed(started.id);
    expect((await h.api.get(`/api/channels/${unknown}/live`)).status).toBe(404);
  });
});

describe('channel service without Redis', () => {
  let h: ChannelHarness;

  beforeAll(async () => {
    h = await startChannelService({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('stays ready and answers from PostgreSQL', async () => {
    const health = await h.api.get<{ checks: Record<string, { status: string; critical: boolean }> }>('/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.redis).toMatchObject({ status: 'down', critical: false });
    const { channel } = await h.registerUser();
    const started = await h.streamStarted(channel.id);
    expect((await h.waitForLive(channel.id, (l) => l.live)).sessionId).toBe(started.data.sessionId);
    const directory = await h.api.get<Page>('/api/channels?live=true&limit=100');
    expect(directory.body.items.map((c) => c.id)).toContain(channel.id);
    await h.streamEnded(channel.id, started.data.sessionId);
    await h.waitForLive(channel.id, (l) => !l.live);
  });
});

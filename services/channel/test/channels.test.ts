import { Topics } from '@phzzk/contracts';
import { identityHeaders, internalCallHeaders } from '@phzzk/kit';
import { waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, type ChannelHarness, startChannelService } from './support.ts';

const asChat = (path: string) => internalCallHeaders('GET', path, { service: 'chat' });

describe('channel service: channels, profiles, follows (real PostgreSQL, Redis, Kafka)', () => {
  let h: ChannelHarness;

  beforeAll(async () => {
    h = await startChannelService();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('migrates its schema and reports its dependencies on /health', async () => {
    const health = await h.api.get<{ status: string; checks: Record<string, { status: string }> }>('/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.postgres?.status).toBe('up');
    expect(health.body.checks.redis?.status).toBe('up');
    await waitFor(
      async () => (await h.api.get<typeof health.body>('/health')).body.checks['kafka-consumer']?.status === 'up',
      {
        what: 'the consumer to join its group',
      },
    );
    expect((await h.api.get('/info')).body).toMatchObject({ service: 'channel' });
  });

  it('creates a channel with a first stream key when a user registers, once per user', async () => {
    const { userId, nickname, channel, event, headers } = await h.registerUser();
    expect(channel).toMatchObject({
      ownerId: userId,
      ownerNickname: nickname,
      title: nickname,
      category: null,
      tags: [],
      description: '',
      followerCount: 0,
      following: null,
      live: { live: false, sessionId: null, startedAt: null, hlsUrl: null, renditions: [], viewers: 0 },
    });
    expect(channel.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    const key = await h.api.get<{ streamKey: string }>('/api/channels/me/stream-key', headers);
    expect(key.status).toBe(200);

    // The same event again (at-least-once delivery), and another registration event for the
    // same user: still one channel, same key.
    await h.producer.publish(Topics.userEvents, 'user.registered', event.data, { id: event.id });
    const again = await h.producer.publish(Topics.userEvents, 'user.registered', { ...event.data });
    // A marker for the same user (same partition, after both): when it is applied, they were too.
    await h.producer.publish(Topics.userEvents, 'user.updated', { userId, nickname: 'marker' });
    await waitFor(
      async () =>
        (await h.api.get<{ ownerNickname: string }>('/api/channels/me', headers)).body.ownerNickname === 'marker',
      {
        what: 'the marker event',
      },
    );
    expect(again.id).not.toBe(event.id);
    const { rows } = await h.db.query(`select count(*)::int as n from ${h.schema.name}.channels where owner_id = $1`, [
      userId,
    ]);
    expect(rows[0].n).toBe(1);
    expect((await h.api.get<{ streamKey: string }>('/api/channels/me/stream-key', headers)).body.streamKey).toBe(
      key.body.streamKey,
    );
  });

  it('keeps the owner nickname up to date from user.updated', async () => {
    const { userId, channel } = await h.registerUser();
    await h.producer.publish(Topics.userEvents, 'user.updated', { userId, email: 'new@example.com' });
    await h.producer.publish(Topics.userEvents, 'user.updated', { userId, nickname: '새닉네임' });
    await waitFor(
      async () =>
        (await h.api.get<{ ownerNickname: string }>(`/api/channels/${channel.id}`)).body.ownerNickname === '새닉네임',
      {
        what: 'the new nickname',
      },
    );
  });

  it('serves a channel by id, and problems for unknown and malformed ids', async () => {
    const { channel } = await h.registerUser();
    const found = await h.api.get(`/api/channels/${channel.id}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id: channel.id, following: null });
    expect(JSON.stringify(found.body)).not.toMatch(/live_|streamKey/);

    const missing = await h.api.get(`/api/channels/${uuidv7()}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
    for (const bad of ['not-a-uuid', "1' or '1'='1", '%00', channel.id.toUpperCase()]) {
      for (const path of [
        `/api/channels/${encodeURIComponent(bad)}`,
        `/api/channels/${encodeURIComponent(bad)}/live`,
      ]) {
        const res = await h.api.get(path);
        expect(res.status, path).toBe(400);
        expect(res.contentType).toMatch(/problem\+json/);
      }
    }
  });

  it('answers /me without a signed-in user with 401 AUTH_REQUIRED', async () => {
    const anonymous = [
      h.api.get('/api/channels/me'),
      h.api.patch('/api/channels/me', { title: 'x' }),
      h.api.get('/api/channels/me/stream-key'),
      h.api.post('/api/channels/me/stream-key/rotate'),
      h.api.put(`/api/channels/${uuidv7()}/follow`),
      h.api.delete(`/api/channels/${uuidv7()}/follow`),
      h.api.get('/api/channels/me', identityHeaders({ userId: 'not-a-uuid' })),
    ];
    for (const res of await Promise.all(anonymous)) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'AUTH_REQUIRED' });
    }
    const stranger = await h.api.get('/api/channels/me', asUser(uuidv7()));
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
  });

  it('updates the channel with PATCH /me, normalized, and publishes channel.updated', async () => {
    const { headers, channel } = await h.registerUser();
    const res = await h.api.patch(
      '/api/channels/me',
      {
        title: '  첫 방송!  ',
        category: 'Just Chatting',
        tags: ['talk', 'Talk', ' 한국어 '],
        description: 'line 1\nline 2',
      },
      headers,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      id: channel.id,
      title: '첫 방송!',
      category: 'Just Chatting',
      tags: ['talk', '한국어'],
      description: 'line 1\nline 2',
    });
    const published = await h.probe.waitFor(
      (m) => m.event?.type === 'channel.updated' && (m.event.data as { channelId: string }).channelId === channel.id,
    );
    expect(published.key).toBe(channel.id);
    expect(published.event?.data).toEqual({
      channelId: channel.id,
      title: '첫 방송!',
      category: 'Just Chatting',
      tags: ['talk', '한국어'],
    });
    // Clearing the category; other fields stay.
    const cleared = await h.api.patch('/api/channels/me', { category: null }, headers);
    expect(cleared.body).toMatchObject({ title: '첫 방송!', category: null, tags: ['talk', '한국어'] });
    // The public view and the directory show the change at once (the directory cache is versioned).
    expect((await h.api.get(`/api/channels/${channel.id}`)).body).toMatchObject({ title: '첫 방송!' });
  });

  it('rejects bad PATCH bodies with 400 problems and changes nothing', async () => {
    const { headers } = await h.registerUser();
    const before = (await h.api.get('/api/channels/me', headers)).body;
    const bad: [unknown, string][] = [
      [{}, 'VALIDATION_FAILED'],
      [{ title: 'x'.repeat(141) }, 'VALIDATION_FAILED'],
      [{ title: '' }, 'VALIDATION_FAILED'],
      [{ title: '   ' }, 'INVALID_CHANNEL_FIELD'],
      [{ title: 'tab\tin title' }, 'VALIDATION_FAILED'],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'VALIDATION_FAILED'],
      [{ tags: ['x'.repeat(33)] }, 'VALIDATION_FAILED'],
      [{ tags: [''] }, 'VALIDATION_FAILED'],
      [{ tags: [' '] }, 'INVALID_CHANNEL_FIELD'],
      [{ description: 'x'.repeat(2001) }, 'VALIDATION_FAILED'],
      [{ category: 'x'.repeat(65) }, 'VALIDATION_FAILED'],
      [{ title: 'ok', ownerId: uuidv7() }, 'VALIDATION_FAILED'],
      [{ followerCount: 1000 }, 'VALIDATION_FAILED'],
      [[{ title: 'array' }], 'VALIDATION_FAILED'],
      ['{"title":', 'MALFORMED_BODY'],
    ];
    for (const [body, code] of bad) {
      const res = await h.api.patch('/api/channels/me', body, headers);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body, JSON.stringify(body)).toMatchObject({ code });
    }
    const big = await h.api.patch('/api/channels/me', { description: 'x'.repeat(70_000) }, headers);
    expect(big.status).toBe(413);
    expect((await h.api.get('/api/channels/me', headers)).body).toEqual(before);
  });

  it('follows and unfollows idempotently, counting followers', async () => {
    const streamer = await h.registerUser();
    const fan = await h.registerUser();
    const other = asUser(uuidv7());
    const id = streamer.channel.id;

    for (let i = 0; i < 2; i++) {
      const res = await h.api.put(`/api/channels/${id}/follow`, undefined, fan.headers);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ channelId: id, following: true, followerCount: 1 });
    }
    // Concurrent follows of many users all count.
    const many = Array.from({ length: 5 }, () => asUser(uuidv7()));
    await Promise.all(many.map((u) => h.api.put(`/api/channels/${id}/follow`, undefined, u)));
    expect((await h.api.put(`/api/channels/${id}/follow`, undefined, other)).body).toMatchObject({ followerCount: 7 });
    expect((await h.api.get(`/api/channels/${id}`, fan.headers)).body).toMatchObject({
      following: true,
      followerCount: 7,
    });
    expect((await h.api.get(`/api/channels/${id}`, streamer.headers)).body).toMatchObject({ following: null });

    for (let i = 0; i < 2; i++) {
      const res = await h.api.delete(`/api/channels/${id}/follow`, fan.headers);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ channelId: id, following: false, followerCount: 6 });
    }
    expect((await h.api.get(`/api/channels/${id}`, fan.headers)).body).toMatchObject({ following: false });
  });

  it('refuses to follow your own channel, unknown channels and malformed ids', async () => {
    const { channel, headers } = await h.registerUser();
    const own = await h.api.put(`/api/channels/${channel.id}/follow`, undefined, headers);
    expect(own.status).toBe(409);
    expect(own.body).toMatchObject({ code: 'CANNOT_FOLLOW_OWN_CHANNEL' });
    for (const method of ['PUT', 'DELETE']) {
      const unknown = await h.api.request(method, `/api/channels/${uuidv7()}/follow`, undefined, headers);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
      const malformed = await h.api.request(method, '/api/channels/nope/follow', undefined, headers);
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await h.api.get(`/api/channels/${channel.id}`)).body).toMatchObject({ followerCount: 0 });
  });

  it('tells the chat service whether and since when a user follows (internal route)', async () => {
    const streamer = await h.registerUser();
    const fan = await h.registerUser();
    const id = streamer.channel.id;
    const before = Date.now();
    await h.api.put(`/api/channels/${id}/follow`, undefined, fan.headers);
    const follows = await h.api.get<{ following: boolean; since: string }>(
      `/internal/channels/${id}/follows/${fan.userId}`,
      asChat(`/internal/channels/${id}/follows/${fan.userId}`),
    );
    expect(follows.status).toBe(200);
    expect(follows.body).toMatchObject({ channelId: id, userId: fan.userId, following: true });
    expect(Date.parse(follows.body.since)).toBeGreaterThanOrEqual(before - 5000);
    const stranger = uuidv7();
    const strangerPath = `/internal/channels/${id}/follows/${stranger}`;
    expect((await h.api.get(strangerPath, asChat(strangerPath))).body).toEqual({
      channelId: id,
      userId: stranger,
      following: false,
      since: null,
    });
    const unknownPath = `/internal/channels/${uuidv7()}/follows/${stranger}`;
    const unknown = await h.api.get(unknownPath, asChat(unknownPath));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
    const malformedPath = `/internal/channels/${id}/follows/nope`;
    expect((await h.api.get(malformedPath, asChat(malformedPath))).status).toBe(400);
    // Only chat may ask: another service's credential is refused.
    expect(
      (await h.api.get(strangerPath, internalCallHeaders('GET', strangerPath, { service: 'ingest' }))).status,
    ).toBe(403);
  });
});

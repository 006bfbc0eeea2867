import type { ChatHistoryPage, ChatParticipants, ChatReplayPage } from '@phzzk/contracts';
import { Topics } from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CacheFixture, cacheFixture, startCache } from './support.ts';

let fx: CacheFixture;
let cache: Awaited<ReturnType<typeof startCache>>;

beforeAll(async () => {
  fx = await cacheFixture();
  // A small cap so that paging crosses from Redis into PostgreSQL within a few dozen messages.
  cache = await startCache(fx, { CACHE_HISTORY_REDIS_CAP: '10' });
  await fx.untilConsuming();
}, 90_000);

afterAll(async () => {
  await cache?.running.stop();
  await fx?.close();
});

/** Every page from the newest back to the first, concatenated oldest first. */
async function allPages(channelId: string, limit: number): Promise<number[]> {
  const seqs: number[] = [];
  let before: number | null | undefined;
  for (let i = 0; i < 100; i++) {
    const q = before ? `?before=${before}&limit=${limit}` : `?limit=${limit}`;
    const res = await cache.api.get<ChatHistoryPage>(`/api/chat/${channelId}/messages${q}`);
    expect(res.status).toBe(200);
    seqs.unshift(...res.body.items.map((m) => m.seq));
    before = res.body.nextBefore;
    if (before === null) break;
  }
  return seqs;
}

describe('chat history', () => {
  it('pages back through Redis and then PostgreSQL without a seam, deletions and clears applied', async () => {
    const channelId = uuidv7();
    const sent = [];
    for (let i = 0; i < 30; i++) sent.push(await fx.message(channelId, undefined, `m${i}`));
    // Delete one old (PostgreSQL only) and one recent (also in Redis) message.
    await fx.deleted(channelId, sent[3]!.data.messageId); // seq 31
    await fx.deleted(channelId, sent[27]!.data.messageId); // seq 32
    for (let i = 0; i < 5; i++) await fx.message(channelId, undefined, `after${i}`); // seqs 33..37
    await waitFor(async () => (await fx.rowsOf(channelId)).n === 35, { what: '35 rows' });
    await waitFor(
      async () =>
        (await fx.sql('select 1 from $schema.messages where channel_id = $1 and deleted_at is not null', [channelId]))
          .length === 2,
      { what: 'the deletions' },
    );

    const expected = [...Array.from({ length: 30 }, (_, i) => i + 1), 33, 34, 35, 36, 37].filter(
      (s) => s !== 4 && s !== 28,
    );
    await waitFor(async () => (await allPages(channelId, 7)).join() === expected.join(), { what: 'the history' });
    expect(await allPages(channelId, 7)).toEqual(expected);
    expect(await allPages(channelId, 3)).toEqual(expected);
    expect(await allPages(channelId, 200)).toEqual(expected);

    // The page shape: the newest last, the text as sent.
    const newest = await cache.api.get<ChatHistoryPage>(`/api/chat/${channelId}/messages?limit=2`);
    expect(newest.body.items.map((m) => m.text)).toEqual(['after3', 'after4']);
    expect(newest.body.nextBefore).toBe(36);

    // A clear hides everything before it, in Redis and in PostgreSQL.
    await fx.cleared(channelId); // seq 38
    const last = await fx.message(channelId, undefined, 'fresh start'); // seq 39
    await waitFor(async () => (await allPages(channelId, 5)).join() === '39', { what: 'the clear' });
    expect((await cache.api.get<ChatHistoryPage>(`/api/chat/${channelId}/messages`)).body.items).toEqual([
      {
        seq: 39,
        messageId: last.data.messageId,
        user: last.data.user,
        text: 'fresh start',
        sentAt: last.data.sentAt,
      },
    ]);
  }, 60_000);

  it('refills the history from PostgreSQL after Redis lost it', async () => {
    const channelId = uuidv7();
    for (let i = 0; i < 25; i++) await fx.message(channelId);
    await waitFor(async () => (await fx.rowsOf(channelId)).n === 25, { what: '25 rows' });
    const before = await allPages(channelId, 6);
    await fx.flushRedis();
    expect(await fx.redis.exists(`${fx.prefix}hist:${channelId}`)).toBe(0);
    expect(await allPages(channelId, 6)).toEqual(before);
    // The read put the newest messages (up to the cap) back into Redis.
    expect(await fx.redis.zcard(`${fx.prefix}hist:${channelId}`)).toBe(10);
    // New messages after the refill continue the same history.
    await fx.message(channelId);
    await waitFor(async () => (await allPages(channelId, 6)).length === 26, { what: 'the 26th message' });
    expect(await allPages(channelId, 4)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
  }, 60_000);

  it('stores a message delivered twice once, and counts it once', async () => {
    const channelId = uuidv7();
    await fx.streamStarted(channelId);
    const first = await fx.message(channelId);
    // The same event again (same id and payload), as a redelivery after a crash would bring it.
    await fx.producer.publish(Topics.chatMessages, 'chat.message', first.data, { id: first.id });
    const marker = await fx.message(channelId);
    await waitFor(async () => (await fx.rowsOf(channelId)).n === 2, { what: 'two rows' });
    await waitFor(
      async () =>
        (await fx.sql('select 1 from $schema.messages where message_id = $1', [marker.data.messageId])).length === 1,
      { what: 'the marker' },
    );
    expect(await fx.rowsOf(channelId)).toEqual({ n: 2, distinct: 2 });
    const stats = await waitFor(async () => {
      const res = await cache.api.get<{ messagesPerMinute: number; chatters: number }>(
        `/api/stats/channels/${channelId}`,
      );
      return res.status === 200 && res.body.messagesPerMinute === 2 ? res.body : undefined;
    });
    expect(stats.chatters).toBe(2);
    const page = await cache.api.get<ChatHistoryPage>(`/api/chat/${channelId}/messages`);
    expect(page.body.items.map((m) => m.seq)).toEqual([1, 2]);
  }, 60_000);

  it('serves a session replay with offsets from the session start', async () => {
    const channelId = uuidv7();
    const startedAt = new Date(Date.now() - 120_000);
    const started = await fx.streamStarted(channelId, startedAt);
    const sessionId = started.data.sessionId;
    await fx.message(channelId, undefined, 'before', new Date(startedAt.getTime() - 5000));
    await fx.message(channelId, undefined, 'at 10 s', new Date(startedAt.getTime() + 10_000));
    await fx.message(channelId, undefined, 'at 70 s', new Date(startedAt.getTime() + 70_000));
    await fx.message(channelId, undefined, 'at 100 s', new Date(startedAt.getTime() + 100_000));
    await waitFor(async () => (await fx.rowsOf(channelId)).n === 4, { what: 'four rows' });
    const res = await waitFor(async () => {
      const r = await cache.api.get<ChatReplayPage>(`/api/chat/${channelId}/replay?sessionId=${sessionId}`);
      return r.status === 200 ? r : undefined;
    });
    expect(res.body.items.map((m) => [m.text, m.offsetSeconds])).toEqual([
      ['at 10 s', 10],
      ['at 70 s', 70],
      ['at 100 s', 100],
    ]);
    const window = await cache.api.get<ChatReplayPage>(
      `/api/chat/${channelId}/replay?sessionId=${sessionId}&fromSeconds=60&toSeconds=90`,
    );
    expect(window.body.items.map((m) => m.text)).toEqual(['at 70 s']);
    expect(window.body.nextFromSeconds).toBeNull();
    expect((await cache.api.get(`/api/chat/${channelId}/replay?sessionId=${uuidv7()}`)).status).toBe(404);
    expect((await cache.api.get(`/api/chat/${channelId}/replay`)).status).toBe(400);
    expect((await cache.api.get(`/api/chat/${channelId}/replay?sessionId=nope`)).status).toBe(400);
  }, 60_000);

  it('lists participants from presence, expiring a node whose snapshots stop', async () => {
    const channelId = uuidv7();
    const owner = { userId: uuidv7(), nickname: 'owner', role: 'owner' as const };
    const alice = { userId: uuidv7(), nickname: 'alice', role: 'viewer' as const };
    const bob = { userId: uuidv7(), nickname: 'bob', role: 'moderator' as const };
    const at = () => new Date().toISOString();
    await fx.producer.publish(Topics.chatPresence, 'presence.snapshot', {
      channelId,
      node: 'chat-a',
      members: [owner, alice],
      anonymous: 3,
      ttlSeconds: 60,
      at: at(),
    });
    // Node b reports briefly and then stops (its ttl runs out).
    await fx.producer.publish(Topics.chatPresence, 'presence.snapshot', {
      channelId,
      node: 'chat-b',
      members: [alice],
      anonymous: 2,
      ttlSeconds: 2,
      at: at(),
    });
    await fx.producer.publish(Topics.chatPresence, 'join', { channelId, node: 'chat-a', member: bob, at: at() });
    const url = `/api/chat/${channelId}/participants`;
    const full = await waitFor(async () => {
      const r = await cache.api.get<ChatParticipants>(url);
      return r.body.signedIn === 3 && r.body.anonymous === 5 ? r.body : undefined;
    });
    expect(full.users.map((u) => [u.nickname, u.role])).toEqual([
      ['owner', 'owner'],
      ['bob', 'moderator'],
      ['alice', 'viewer'],
    ]);
    await fx.producer.publish(Topics.chatPresence, 'leave', {
      channelId,
      node: 'chat-a',
      userId: alice.userId,
      at: at(),
    });
    // alice is still on node b until it expires; then only its anonymous readers go too.
    const later = await waitFor(
      async () => {
        const r = await cache.api.get<ChatParticipants>(url);
        return r.body.signedIn === 2 && r.body.anonymous === 3 ? r.body : undefined;
      },
      { timeoutMs: 10_000, what: 'node b to expire' },
    );
    expect(later.users.map((u) => u.nickname)).toEqual(['owner', 'bob']);
    await waitFor(
      async () =>
        (
          await fx.sql('select left_at from $schema.presence_sessions where channel_id = $1 and user_id = $2', [
            channelId,
            bob.userId,
          ])
        ).length === 1,
      { what: 'the presence session row' },
    );
  }, 60_000);

  it('rejects bad input with problems', async () => {
    const channelId = uuidv7();
    for (const path of [
      '/api/chat/not-a-uuid/messages',
      `/api/chat/${channelId}/messages?limit=0`,
      `/api/chat/${channelId}/messages?limit=201`,
      `/api/chat/${channelId}/messages?before=-1`,
      `/api/chat/${channelId}/messages?before=abc`,
      `/api/chat/${channelId}/messages?other=1`,
      `/api/chat/${channelId}/participants?limit=0`,
    ]) {
      const res = await cache.api.get<{ status: number }>(path);
      expect(res.status, path).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
    }
    const empty = await cache.api.get<ChatHistoryPage>(`/api/chat/${channelId}/messages`);
    expect(empty.body).toEqual({ items: [], nextBefore: null });
  });
});

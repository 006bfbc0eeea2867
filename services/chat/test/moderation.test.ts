import { identityHeaders } from '@phzzk/kit';
import { waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from './support/chat-client.ts';
import { type ChatCluster, startChatCluster } from './support/chat-cluster.ts';

// Moderation through the HTTP API of one instance, enforced on clients of the other.
describe('chat moderation, enforced on every node (two real instances)', () => {
  let c: ChatCluster;
  beforeAll(async () => {
    c = await startChatCluster({ nodes: 2 });
  }, 300_000);
  afterAll(async () => {
    await c?.stop();
  });

  const base = (channelId: string) => `/api/chat/${channelId}`;

  it('bans, times out and unbans: BANNED / TIMED_OUT on the other node, events on the stream and on chat.moderation', async () => {
    const { channelId, owner } = c.newChannel();
    const viewer = c.newUser();
    const reader = await ChatClient.connect(c.nodes[0]!.url, channelId);
    const client = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: viewer.headers });
    expect((await client.send('before')).type).toBe('ack');

    const ban = await c.api(0).put(`${base(channelId)}/bans/${viewer.userId}`, { reason: 'spam' }, owner);
    expect(ban.status).toBe(200);
    expect(ban.body).toMatchObject({ userId: viewer.userId, until: null, reason: 'spam', seq: 2 });
    await reader.next((f) => f.type === 'moderation' && f.seq === 2);
    expect(reader.events().at(-1)).toEqual({ type: 'moderation', seq: 2, action: 'ban', userId: viewer.userId });
    await client.next((f) => f.type === 'moderation' && f.seq === 2);
    expect(await client.send('while banned')).toMatchObject({ type: 'error', code: 'BANNED' });
    const banned = await c.probe.waitFor(
      (m) => m.event?.type === 'ban' && (m.event.data as { channelId: string }).channelId === channelId,
    );
    expect(banned.key).toBe(channelId);
    expect(banned.event!.data).toMatchObject({ seq: 2, userId: viewer.userId, reason: 'spam' });

    const bans = await c.api(1).get<{ items: { userId: string }[] }>(`${base(channelId)}/bans`, owner);
    expect(bans.body.items.map((b) => b.userId)).toEqual([viewer.userId]);

    const timeout = await c.api(1).put(`${base(channelId)}/bans/${viewer.userId}`, { durationSeconds: 60 }, owner);
    expect(timeout.body).toMatchObject({ seq: 3 });
    await client.next((f) => f.seq === 3);
    expect(client.events().at(-1)).toMatchObject({ action: 'timeout', until: expect.any(String) });
    const timedOut = await client.send('while timed out');
    expect(timedOut).toMatchObject({ type: 'error', code: 'TIMED_OUT' });
    expect(timedOut.retryAfterMs).toBeGreaterThan(50_000);
    expect(timedOut.retryAfterMs).toBeLessThanOrEqual(60_000);

    const unban = await c.api(0).delete(`${base(channelId)}/bans/${viewer.userId}`, owner);
    expect(unban.body).toEqual({ seq: 4 });
    await client.next((f) => f.seq === 4);
    expect((await client.send('free again')).type).toBe('ack');
    // Unbanning someone who is not banned changes nothing and appends nothing.
    expect((await c.api(0).delete(`${base(channelId)}/bans/${viewer.userId}`, owner)).body).toEqual({ seq: null });
    reader.close();
    client.close();
  });

  it('lets moderators moderate viewers but not the owner or each other; only the owner appoints', async () => {
    const { channelId, ownerId, owner } = c.newChannel();
    const mod = c.newUser();
    const mod2 = c.newUser();
    const viewer = c.newUser();
    expect((await c.api(0).put(`${base(channelId)}/moderators/${mod.userId}`, undefined, owner)).status).toBe(204);
    expect((await c.api(0).put(`${base(channelId)}/moderators/${mod2.userId}`, undefined, owner)).status).toBe(204);
    const list = await c.api(1).get<{ items: { userId: string }[] }>(`${base(channelId)}/moderators`, mod.headers);
    expect(list.body.items.map((m) => m.userId).sort()).toEqual([mod.userId, mod2.userId].sort());

    const cases: [Record<string, string>, string, number, string][] = [
      [mod.headers, ownerId, 403, 'CANNOT_MODERATE_TARGET'],
      [mod.headers, mod2.userId, 403, 'CANNOT_MODERATE_TARGET'],
      [mod.headers, mod.userId, 400, 'CANNOT_MODERATE_SELF'],
      [viewer.headers, mod.userId, 403, 'NOT_A_MODERATOR'],
      [owner, ownerId, 400, 'CANNOT_MODERATE_SELF'],
    ];
    for (const [who, target, status, code] of cases) {
      const res = await c.api(0).put(`${base(channelId)}/bans/${target}`, {}, who);
      expect([res.status, (res.body as { code: string }).code]).toEqual([status, code]);
    }
    expect((await c.api(0).put(`${base(channelId)}/bans/${viewer.userId}`, {}, mod.headers)).status).toBe(200);
    // The owner may act on a moderator.
    expect((await c.api(0).put(`${base(channelId)}/bans/${mod2.userId}`, { durationSeconds: 1 }, owner)).status).toBe(
      200,
    );
    const appoint = await c.api(0).put(`${base(channelId)}/moderators/${viewer.userId}`, undefined, mod.headers);
    expect([appoint.status, (appoint.body as { code: string }).code]).toEqual([403, 'NOT_THE_OWNER']);
    const anonymous = await c.api(0).put(`${base(channelId)}/bans/${viewer.userId}`, {});
    expect([anonymous.status, (anonymous.body as { code: string }).code]).toEqual([401, 'AUTH_REQUIRED']);

    // The role travels with the welcome and with each message, on the other node too.
    const modClient = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: mod.headers });
    expect(modClient.welcome.user).toMatchObject({ role: 'moderator' });
    const ownerClient = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: owner });
    expect(ownerClient.welcome.user).toMatchObject({ role: 'owner' });
    await modClient.send('mod here');
    expect(
      modClient.events().find((e) => e.type === 'message' && e.text === 'mod here') ??
        (await modClient.next((f) => f.text === 'mod here')),
    ).toMatchObject({ user: { role: 'moderator' } });

    // Dismissal reaches connected nodes: the next message carries the viewer role.
    expect((await c.api(0).delete(`${base(channelId)}/moderators/${mod.userId}`, owner)).status).toBe(204);
    await waitFor(async () => {
      const ack = await modClient.send(`still mod? ${Date.now()}`);
      const message = await modClient.next((f) => f.type === 'message' && f.seq === ack.seq);
      return (message.user as { role: string }).role === 'viewer';
    });
    modClient.close();
    ownerClient.close();
  });

  it('applies slow mode to viewers only, on every node, with retryAfterMs', async () => {
    const { channelId, owner } = c.newChannel();
    const viewer = c.newUser();
    const mod = c.newUser();
    await c.api(0).put(`${base(channelId)}/moderators/${mod.userId}`, undefined, owner);
    const settings = { slowModeSeconds: 10, followersOnlyMinutes: null, emoteOnly: false };
    const put = await c.api(0).put(`${base(channelId)}/settings`, settings, owner);
    expect(put.body).toEqual({ settings, seq: 1 });
    expect((await c.api(1).get(`${base(channelId)}/settings`)).body).toEqual(settings);
    const v0 = await ChatClient.connect(c.nodes[0]!.url, channelId, { headers: viewer.headers });
    const v1 = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: viewer.headers });
    expect(v1.welcome.settings).toEqual(settings);
    expect((await v0.send('first')).type).toBe('ack');
    const second = await v1.send('second, other node');
    expect(second).toMatchObject({ type: 'error', code: 'SLOW_MODE' });
    expect(second.retryAfterMs).toBeGreaterThan(8000);
    const m = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: mod.headers });
    expect((await m.send('one')).type).toBe('ack');
    expect((await m.send('two')).type).toBe('ack');
    const ownerClient = await ChatClient.connect(c.nodes[0]!.url, channelId, { headers: owner });
    expect((await ownerClient.send('a')).type).toBe('ack');
    expect((await ownerClient.send('b')).type).toBe('ack');
    // The settings event reached the clients of both nodes with its seq.
    expect(v0.welcome.settings).toEqual(settings);

    for (const bad of [
      { ...settings, slowModeSeconds: 7 },
      { ...settings, followersOnlyMinutes: -1 },
      { ...settings, extra: true },
      { slowModeSeconds: 0 },
    ]) {
      const res = await c.api(0).put(`${base(channelId)}/settings`, bad, owner);
      expect([res.status, (res.body as { code: string }).code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    for (const client of [v0, v1, m, ownerClient]) client.close();
  });

  it('followers-only: refuses non-followers and too-young follows, accepts old enough ones', async () => {
    const { channelId, owner } = c.newChannel();
    const stranger = c.newUser();
    const young = c.newUser();
    const old = c.newUser();
    c.peers.follows.set(`${channelId}/${young.userId}`, new Date(Date.now() - 60_000));
    c.peers.follows.set(`${channelId}/${old.userId}`, new Date(Date.now() - 11 * 60_000));
    const settings = { slowModeSeconds: 0, followersOnlyMinutes: 10, emoteOnly: false };
    expect((await c.api(1).put(`${base(channelId)}/settings`, settings, owner)).status).toBe(200);
    const clients = await Promise.all(
      [stranger, young, old].map((u) => ChatClient.connect(c.nodes[0]!.url, channelId, { headers: u.headers })),
    );
    await clients[0]!.next((f) => f.type === 'settings' || f.type === 'welcome');
    expect(await clients[0]!.send('hi')).toMatchObject({ code: 'FOLLOWERS_ONLY' });
    const tooYoung = await clients[1]!.send('hi');
    expect(tooYoung).toMatchObject({ code: 'FOLLOWERS_ONLY' });
    expect(tooYoung.retryAfterMs).toBeGreaterThan(8 * 60_000);
    expect(await clients[2]!.send('hi')).toMatchObject({ type: 'ack' });
    const ownerClient = await ChatClient.connect(c.nodes[0]!.url, channelId, { headers: owner });
    expect(await ownerClient.send('owner is exempt')).toMatchObject({ type: 'ack' });
    for (const client of [...clients, ownerClient]) client.close();
  });

  it('emote-only accepts only emoji', async () => {
    const { channelId, owner } = c.newChannel();
    const viewer = c.newUser();
    await c
      .api(0)
      .put(`${base(channelId)}/settings`, { slowModeSeconds: 0, followersOnlyMinutes: null, emoteOnly: true }, owner);
    const client = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: viewer.headers });
    expect(await client.send('hello')).toMatchObject({ code: 'EMOTE_ONLY' });
    expect(await client.send('😀 👍🏽 🇰🇷')).toMatchObject({ type: 'ack' });
    client.close();
  });

  it('blocked terms: case-insensitive, * wildcard, on every node; bad lists are 400', async () => {
    const { channelId, owner } = c.newChannel();
    const viewer = c.newUser();
    const client = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: viewer.headers });
    const put = await c.api(0).put(`${base(channelId)}/blocked-terms`, { terms: ['Bad*Word', 'spam', 'spam'] }, owner);
    expect(put.body).toEqual({ terms: ['bad*word', 'spam'] });
    await waitFor(async () => (await client.send('this is a BADxxWORD here')).code === 'BLOCKED_TERM');
    expect(await client.send('SpAm')).toMatchObject({ code: 'BLOCKED_TERM' });
    expect(await client.send('a fine message with bad and word apart... badword')).toMatchObject({
      code: 'BLOCKED_TERM',
    });
    expect(await client.send('a fine message')).toMatchObject({ type: 'ack' });
    expect((await c.api(1).get(`${base(channelId)}/blocked-terms`, owner)).body).toEqual({
      terms: ['bad*word', 'spam'],
    });
    for (const terms of [['***'], ['x'.repeat(101)], Array.from({ length: 501 }, (_, i) => `t${i}`), ['a\u0000b']]) {
      const res = await c.api(0).put(`${base(channelId)}/blocked-terms`, { terms }, owner);
      expect(res.status).toBe(400);
    }
    const viewerRead = await c.api(0).get(`${base(channelId)}/blocked-terms`, viewer.headers);
    expect(viewerRead.status).toBe(403);
    client.close();
  });

  it('deletes one message and clears the chat; welcome history starts at the clear', async () => {
    const { channelId, owner } = c.newChannel();
    const viewer = c.newUser();
    const client = await ChatClient.connect(c.nodes[0]!.url, channelId, { headers: viewer.headers });
    const first = await client.send('one');
    await client.send('two');
    const del = await c.api(1).delete(`${base(channelId)}/messages/${first.messageId}`, owner);
    expect(del.body).toEqual({ seq: 3 });
    await client.next((f) => f.type === 'deleted');
    expect(client.events().at(-1)).toEqual({ type: 'deleted', seq: 3, messageId: first.messageId });
    expect((await c.api(1).delete(`${base(channelId)}/messages/${first.messageId}`, owner)).body).toEqual({
      seq: null,
    });
    const unknown = await c.api(1).delete(`${base(channelId)}/messages/${uuidv7()}`, owner);
    expect([unknown.status, (unknown.body as { code: string }).code]).toEqual([404, 'MESSAGE_NOT_FOUND']);
    const deleted = await c.probe.waitFor(
      (m) => m.event?.type === 'chat.deleted' && (m.event.data as { channelId: string }).channelId === channelId,
    );
    expect(deleted.event!.data).toMatchObject({ seq: 3, messageId: first.messageId });

    const clear = await c.api(0).post(`${base(channelId)}/clear`, undefined, owner);
    expect(clear.body).toEqual({ seq: 4 });
    await client.send('after clear');
    const later = await ChatClient.connect(c.nodes[1]!.url, channelId);
    expect(later.welcome.seq).toBe(5);
    expect((later.welcome.history as { type: string; seq: number }[]).map((e) => [e.type, e.seq])).toEqual([
      ['cleared', 4],
      ['message', 5],
    ]);
    await c.probe.waitFor(
      (m) => m.event?.type === 'chat.cleared' && (m.event.data as { channelId: string }).channelId === channelId,
    );
    client.close();
    later.close();
  });

  it('rate-limits each user across nodes: 20 per 30 s for viewers, RATE_LIMITED with retryAfterMs', async () => {
    const { channelId } = c.newChannel();
    const viewer = c.newUser();
    const a = await ChatClient.connect(c.nodes[0]!.url, channelId, { headers: viewer.headers });
    const b = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: viewer.headers });
    for (let i = 0; i < 20; i++) expect((await (i % 2 ? a : b).send(`m${i}`)).type).toBe('ack');
    const limited = await a.send('one too many');
    expect(limited).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    expect(limited.retryAfterMs).toBeGreaterThan(20_000);
    expect(await b.send('other node too')).toMatchObject({ code: 'RATE_LIMITED' });
    a.close();
    b.close();
  });

  it('answers problems for unknown channels and malformed ids', async () => {
    const owner = identityHeaders({ userId: uuidv7() });
    const unknown = await c.api(0).get(`${base(uuidv7())}/settings`, owner);
    expect([unknown.status, (unknown.body as { code: string }).code]).toEqual([404, 'CHANNEL_NOT_FOUND']);
    expect(unknown.contentType).toContain('application/problem+json');
    const malformed = await c.api(0).get('/api/chat/nope/settings', owner);
    expect(malformed.status).toBe(400);
    const { channelId } = c.newChannel();
    const badDuration = await c
      .api(0)
      .put(`${base(channelId)}/bans/${uuidv7()}`, { durationSeconds: 1_209_601 }, owner);
    expect(badDuration.status).toBe(400);
  });
});

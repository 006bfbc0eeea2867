import { identityHeaders } from '@phzzk/kit';
import { conflict, invalid } from '@phzzk/kit/errors';
import { routeTestApp } from '@phzzk/testing';
import { describe, expect, it } from 'vitest';
import { buildChannelApp } from '../app.ts';
import type { ChannelProfile } from '../domain/channel.ts';
import type { Channels, ChannelView } from '../domain/channels.ts';
import { channelNotFound, ownChannelNotFound } from '../domain/errors.ts';

// The channel service's public routes through inject(), on a fake of the channel use cases: the
// caller, validation, problem codes and cache headers, without PostgreSQL, Redis or Kafka.

const owner = '0190a0a0-0000-7000-8000-0000000000a1';
const viewer = '0190a0a0-0000-7000-8000-0000000000b2';
const channelId = '0190a0a0-0000-7000-8000-0000000000c3';
const unknownId = '0190a0a0-0000-7000-8000-0000000000ff';

const channel: ChannelProfile = {
  id: channelId,
  ownerId: owner,
  ownerNickname: 'alice',
  title: 'Hello',
  category: null,
  tags: [],
  description: '',
  followerCount: 1,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};
const offline = { live: false, sessionId: null, startedAt: null, hlsUrl: null, renditions: [], viewers: 0 };

const lists: { query: object; followedBy: string | undefined }[] = [];

function app() {
  const view = (id: string, following: boolean | null): ChannelView => {
    if (id !== channelId) throw channelNotFound();
    return { channel, live: offline, following };
  };
  const channels = {
    list: async (query: { cursor?: string }, followedBy?: string) => {
      if (query.cursor === 'bad') throw invalid('INVALID_CURSOR', 'This cursor is not valid.');
      // The fake: the viewer follows nothing, the owner is listed as following their own only.
      const items = followedBy === viewer ? [] : [{ ...channel, live: offline }];
      lists.push({ query, followedBy });
      return { items, nextCursor: null };
    },
    view: async (id: string, caller: string | undefined) => view(id, caller ? false : null),
    live: async (id: string) => view(id, null).live,
    mine: async (ownerId: string) => {
      if (ownerId !== owner) throw ownChannelNotFound();
      return view(channelId, null);
    },
    streamKey: async () => 'live_secret',
    follow: async (user: string, id: string) => {
      view(id, null);
      if (user === owner) throw conflict('CANNOT_FOLLOW_OWN_CHANNEL', 'You cannot follow your own channel.');
      return 2;
    },
  } as unknown as Channels;
  return buildChannelApp({ app: routeTestApp('channel'), channels, ingestUrl: () => 'rtmp://ingest/live' });
}

describe('channel routes', () => {
  it('GET /api/channels pages the directory; 400 on a malformed query or cursor', async () => {
    const a = app();
    const ok = await a.inject({ method: 'GET', url: '/api/channels?live=false&limit=5' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ items: [{ id: channelId }], nextCursor: null });
    const limit = await a.inject({ method: 'GET', url: '/api/channels?limit=1000' });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().code).toBe('VALIDATION_FAILED');
    const cursor = await a.inject({ method: 'GET', url: '/api/channels?cursor=bad' });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().code).toBe('INVALID_CURSOR');
  });

  it("GET /api/channels?followed=true: the caller's follows only, signed in only, never shared", async () => {
    const a = app();
    lists.length = 0;
    const anonymous = await a.inject({ method: 'GET', url: '/api/channels?live=true&followed=true' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('AUTH_REQUIRED');
    expect(lists).toEqual([]);
    const mine = await a.inject({
      method: 'GET',
      url: '/api/channels?live=true&followed=true&limit=10',
      headers: identityHeaders({ userId: viewer }),
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({ items: [], nextCursor: null });
    expect(mine.headers['cache-control']).toBe('private, no-store');
    expect(lists.at(-1)).toEqual({ query: { live: true, limit: 10 }, followedBy: viewer });
    // followed=false is no filter: the public listing, for anyone.
    const all = await a.inject({ method: 'GET', url: '/api/channels?followed=false' });
    expect(all.statusCode).toBe(200);
    expect(lists.at(-1)?.followedBy).toBeUndefined();
    expect(all.headers['cache-control']).toBeUndefined();
    const bad = await a.inject({ method: 'GET', url: '/api/channels?followed=perhaps' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });

  it('GET /api/channels/{id}: private to the caller when signed in, 404 CHANNEL_NOT_FOUND, 400 on a bad id', async () => {
    const a = app();
    const anonymous = await a.inject({ method: 'GET', url: `/api/channels/${channelId}` });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json().following).toBeNull();
    expect(anonymous.headers['cache-control']).toBeUndefined();
    const signedIn = await a.inject({
      method: 'GET',
      url: `/api/channels/${channelId}`,
      headers: identityHeaders({ userId: viewer }),
    });
    expect(signedIn.json().following).toBe(false);
    expect(signedIn.headers['cache-control']).toBe('private, no-store');
    const missing = await a.inject({ method: 'GET', url: `/api/channels/${unknownId}/live` });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json().code).toBe('CHANNEL_NOT_FOUND');
    expect((await a.inject({ method: 'GET', url: '/api/channels/NOT-A-UUID' })).statusCode).toBe(400);
  });

  it('/api/channels/me and the stream key need a caller, and are never cached', async () => {
    const a = app();
    for (const url of ['/api/channels/me', '/api/channels/me/stream-key']) {
      const anonymous = await a.inject({ method: 'GET', url });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe('AUTH_REQUIRED');
    }
    const key = await a.inject({
      method: 'GET',
      url: '/api/channels/me/stream-key',
      headers: identityHeaders({ userId: owner }),
    });
    expect(key.statusCode).toBe(200);
    expect(key.headers['cache-control']).toBe('no-store');
    expect(key.json()).toEqual({ streamKey: 'live_secret', ingestUrl: 'rtmp://ingest/live' });
    const none = await a.inject({
      method: 'GET',
      url: '/api/channels/me',
      headers: identityHeaders({ userId: viewer }),
    });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('CHANNEL_NOT_FOUND');
  });

  it('PATCH /api/channels/me rejects an empty or unknown-field body with 400', async () => {
    const a = app();
    const headers = identityHeaders({ userId: owner });
    for (const payload of [{}, { owner: 'me' }, { title: { text: 'x' } }]) {
      const res = await a.inject({ method: 'PATCH', url: '/api/channels/me', headers, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('PUT /api/channels/{id}/follow: 401 anonymous, 409 on the own channel, 200 with the count', async () => {
    const a = app();
    const url = `/api/channels/${channelId}/follow`;
    expect((await a.inject({ method: 'PUT', url })).statusCode).toBe(401);
    const own = await a.inject({ method: 'PUT', url, headers: identityHeaders({ userId: owner }) });
    expect(own.statusCode).toBe(409);
    expect(own.json().code).toBe('CANNOT_FOLLOW_OWN_CHANNEL');
    const ok = await a.inject({ method: 'PUT', url, headers: identityHeaders({ userId: viewer }) });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.json()).toEqual({ channelId, following: true, followerCount: 2 });
  });
});

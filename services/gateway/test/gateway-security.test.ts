import { createServer, type IncomingMessage, type Server } from 'node:http';
import { CHAT_BEARER_SUBPROTOCOL_PREFIX, CHAT_SUBPROTOCOL } from '@phzzk/contracts';
import { createRedis, DEVELOPMENT_SERVICE_KEY, StaticDiscovery, verifySignedHeaders } from '@phzzk/kit';
import { ApiClient, testInfra, uniqueName, waitFor } from '@phzzk/testing';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import { REVOKED_SID_CHANNEL, REVOKED_SID_PREFIX } from '../src/adapters/revoked-sessions.ts';
import { listen, localInstance, type RunningGateway, startGateway } from './support/gateway.ts';

type Seen = { url: string; headers: IncomingMessage['headers'] };

const OPERATOR = 'operator-token-for-tests-0123456789abcdef';

describe('gateway: JWT, revocation, rate limits, CORS, WebSockets, locator (real Redis)', () => {
  const seen: Seen[] = [];
  const servers: Server[] = [];
  const keys: { kid: string; privateKey: CryptoKey }[] = [];
  const jwks: { keys: object[] } = { keys: [] };
  let gateway: RunningGateway;
  let api: ApiClient;
  let discovery: StaticDiscovery;
  let redisUrl: string;
  const issuer = 'phzzk-auth';

  async function token(
    claims: Record<string, unknown> = {},
    options: { kid?: string; key?: CryptoKey; exp?: string | number; typ?: string; iat?: number } = {},
  ) {
    const key = keys[0]!;
    return new SignJWT({ sid: 'session-1', roles: ['user'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? key.kid, typ: options.typ ?? 'at+jwt' })
      .setIssuer(issuer)
      .setAudience((claims.aud as string) ?? 'phzzk')
      .setSubject((claims.sub as string) ?? 'user-1')
      .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
      .setExpirationTime(options.exp ?? '10m')
      .setJti(uniqueName('jti'))
      .sign(options.key ?? key.privateKey);
  }

  async function addKey(kid: string) {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    keys.unshift({ kid, privateKey });
    jwks.keys.push({ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' });
  }

  beforeAll(async () => {
    redisUrl = (await testInfra()).redisUrl;
    await addKey('key-1');
    const jwksServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    });
    const upstream = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ user: req.headers['x-phzzk-user-id'] ?? null }));
    });
    const wss = new WebSocketServer({ server: upstream });
    wss.on('connection', (socket, req) => {
      socket.send(`hello ${req.headers['x-phzzk-user-id'] ?? 'anonymous'} at ${req.url}`);
      socket.on('message', (m) => socket.send(`echo ${m}`));
    });
    // A tiny chat service: it selects phzzk.chat.v1 and says what the gateway passed on.
    const chat = createServer();
    const chatWss = new WebSocketServer({
      server: chat,
      handleProtocols: (offered) => (offered.has(CHAT_SUBPROTOCOL) ? CHAT_SUBPROTOCOL : false),
    });
    chatWss.on('connection', (socket, req) => {
      socket.send(
        JSON.stringify({
          user: req.headers['x-phzzk-user-id'] ?? null,
          offered: req.headers['sec-websocket-protocol'] ?? null,
          url: req.url,
          signed: verifySignedHeaders([DEVELOPMENT_SERVICE_KEY], req.headers, 'GET', req.url).ok,
        }),
      );
    });
    servers.push(jwksServer, upstream, chat);
    const chatPort = await listen(chat);
    const jwksPort = await listen(jwksServer);
    const upstreamPort = await listen(upstream);
    discovery = new StaticDiscovery([]);
    discovery.set('things', [localInstance('things', upstreamPort)]);
    discovery.set('chat', [localInstance('chat', chatPort)]);
    gateway = await startGateway({
      env: {
        GATEWAY_JWT_JWKS_URI: `http://127.0.0.1:${jwksPort}/jwks.json`,
        GATEWAY_DISCOVERY_LOCATOR_ENABLED: 'true',
        GATEWAY_CORS_ALLOWED_ORIGINS: 'https://phzzk.example',
        GATEWAY_OPERATOR_TOKEN: OPERATOR,
      },
      routes: [
        { id: 'open', path: '/api/things/**', service: 'things' },
        { id: 'private', path: '/api/private/**', service: 'things', auth: 'required' },
        { id: 'limited', path: '/api/limited/**', service: 'things', rateLimit: { limit: 3, windowMs: 60_000 } },
        { id: 'ws', path: '/ws/things/**', service: 'things' },
        { id: 'chat-ws', path: '/ws/chat/**', service: 'chat' },
        { id: 'hls', path: '/hls/**', service: 'things' },
        { id: 'live', path: '/live/**', service: 'origin', holderKey: 'phzzk:test:holder:' },
      ],
      discovery,
    });
    api = new ApiClient(gateway.url);
    await waitFor(
      async () =>
        (await api.get<{ checks: { jwks: { status: string } } }>('/health', { authorization: `Bearer ${OPERATOR}` }))
          .body.checks.jwks.status === 'up',
      {
        what: 'the JWKS to be loaded',
      },
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    for (const s of servers) s.close();
  });

  it('passes a verified identity as trusted headers and strips forged ones', async () => {
    const res = await api.get('/api/things/me', {
      authorization: `Bearer ${await token()}`,
      'x-phzzk-user-id': 'admin',
    });
    expect(res.body).toEqual({ user: 'user-1' });
    expect(res.status).toBe(200);
    const last = seen.at(-1)!;
    expect(last.headers['x-phzzk-session-id']).toBe('session-1');
    expect(last.headers['x-phzzk-roles']).toBe('user');
    expect(last.headers.authorization).toMatch(/^Bearer /);

    const forged = await api.get('/api/things/me', { 'x-phzzk-user-id': 'admin', 'X-Phzzk-Roles': 'admin' });
    expect(forged.body).toEqual({ user: null });
    expect(seen.at(-1)!.headers['x-phzzk-roles']).toBeUndefined();
  });

  it('refuses bad tokens with 401 problems: tampered, alg none, wrong audience, unknown kid, expired, wrong key', async () => {
    const good = await token();
    const [h, p, s] = good.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'key-1' })).toString('base64url')}.${p}.`;
    const { privateKey: stranger } = await generateKeyPair('RS256');
    const cases: [string, string][] = [
      [tampered, 'TOKEN_INVALID'],
      [none, 'TOKEN_INVALID'],
      [await token({ aud: 'someone-else' }), 'TOKEN_INVALID'],
      [await token({}, { kid: 'no-such-kid' }), 'TOKEN_INVALID'],
      [await token({}, { exp: Math.floor(Date.now() / 1000) - 60 }), 'TOKEN_EXPIRED'],
      [await token({}, { key: stranger }), 'TOKEN_INVALID'],
      [await token({}, { typ: 'JWT' }), 'TOKEN_INVALID'],
      [await token({}, { iat: Math.floor(Date.now() / 1000) + 3600, exp: '2h' }), 'TOKEN_INVALID'],
      ['not-a-jwt', 'TOKEN_INVALID'],
    ];
    for (const [bad, code] of cases) {
      const res = await api.get('/api/things/x', { authorization: `Bearer ${bad}` });
      expect(res.status, bad).toBe(401);
      expect(res.body).toMatchObject({ code });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const basic = await api.get('/api/things/x', { authorization: 'Basic dXNlcjpwYXNz' });
    expect(basic.status).toBe(401);
  });

  it('requires a token on required routes', async () => {
    const res = await api.get('/api/private/x');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect((await api.get('/api/private/x', { authorization: `Bearer ${await token()}` })).status).toBe(200);
  });

  it('picks up a rotated key: a token signed by a new kid refetches the JWKS', async () => {
    await addKey('key-2');
    const res = await api.get('/api/things/rotated', { authorization: `Bearer ${await token({ sub: 'user-2' })}` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'user-2' });
  });

  it('rejects tokens of a revoked session within a second of the revocation', async () => {
    const sid = uniqueName('sid');
    const t = await token({ sid });
    expect((await api.get('/api/things/x', { authorization: `Bearer ${t}` })).status).toBe(200);
    const redis = createRedis(redisUrl, 'test-revoker');
    const revokedAt = Date.now();
    await redis.set(`${REVOKED_SID_PREFIX}${sid}`, '1', 'EX', 600);
    await redis.publish(REVOKED_SID_CHANNEL, sid);
    await waitFor(async () => (await api.get('/api/things/x', { authorization: `Bearer ${t}` })).status === 401, {
      timeoutMs: 1000,
      intervalMs: 10,
      what: 'the revoked token to be refused',
    });
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    const res = await api.get('/api/things/x', { authorization: `Bearer ${t}` });
    expect(res.body).toMatchObject({ code: 'TOKEN_REVOKED' });
    redis.disconnect();
  });

  it('rate-limits per client and route with 429, Retry-After and RateLimit headers', async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 200)}`;
    const user = `user-${uniqueName('rl')}`;
    const auth = { authorization: `Bearer ${await token({ sub: user })}` };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await api.get('/api/limited/x', { ...auth, 'x-forwarded-for': ip })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await api.get('/api/limited/x', auth);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', route: 'limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    // Another client still gets through.
    expect(
      (await api.get('/api/limited/x', { authorization: `Bearer ${await token({ sub: `${user}-2` })}` })).status,
    ).toBe(200);
  });

  it('answers CORS for allowed origins only, media for any origin, and sets security headers', async () => {
    const pre = await fetch(`${gateway.url}/api/things/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://phzzk.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://phzzk.example');
    const evil = await fetch(`${gateway.url}/api/things/x`, { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const media = await fetch(`${gateway.url}/hls/abc/master.m3u8`, { headers: { origin: 'https://anyone.example' } });
    expect(media.headers.get('access-control-allow-origin')).toBe('*');
    expect(media.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('proxies WebSocket upgrades with the identity from the bearer subprotocol, never from or into the URL', async () => {
    const t = await token({ sub: 'ws-user' });
    const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws/things/room?since=3`, [
      'phzzk.chat.v1',
      `phzzk.bearer.${t}`,
    ]);
    const messages: string[] = [];
    ws.onmessage = (e) => messages.push(String(e.data));
    await waitFor(() => messages.length >= 1, { what: 'the greeting' });
    expect(messages[0]).toBe('hello ws-user at /ws/things/room?since=3');
    expect(ws.protocol).toBe('phzzk.chat.v1');
    ws.send('ping');
    await waitFor(() => messages.includes('echo ping'), { what: 'the echo' });
    ws.close();

    // A token in the query is not a credential, and never reaches the service's URL.
    const query = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws/things/room?access_token=${t}`);
    const greeting = await new Promise<string>((resolve) => {
      query.onmessage = (e) => resolve(String(e.data));
    });
    expect(greeting).toBe('hello anonymous at /ws/things/room');
    query.close();

    const refused = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws/things/room`, ['phzzk.bearer.garbage']);
    const failed = await new Promise<boolean>((resolve) => {
      refused.onerror = () => resolve(true);
      refused.onopen = () => resolve(false);
    });
    expect(failed).toBe(true);
  });

  it('authenticates chat upgrades from Authorization or the bearer subprotocol; no token is anonymous', async () => {
    const base = `${gateway.url.replace('http', 'ws')}/ws/chat/0190a6b0-0000-7000-8000-00000000c4a7`;
    const first = (ws: WsClient) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.once('message', (m) => resolve(JSON.parse(String(m)) as Record<string, unknown>));
        ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
        ws.once('error', reject);
      });
    const t = await token({ sub: 'chatter' });
    const browser = new WsClient(base, [CHAT_SUBPROTOCOL, `${CHAT_BEARER_SUBPROTOCOL_PREFIX}${t}`]);
    expect(await first(browser)).toEqual({
      user: 'chatter',
      offered: CHAT_SUBPROTOCOL,
      url: '/ws/chat/0190a6b0-0000-7000-8000-00000000c4a7',
      signed: true,
    });
    expect(browser.protocol).toBe(CHAT_SUBPROTOCOL);
    browser.close();
    const tool = new WsClient(`${base}?since=5`, [CHAT_SUBPROTOCOL], { headers: { authorization: `Bearer ${t}` } });
    expect(await first(tool)).toMatchObject({
      user: 'chatter',
      url: '/ws/chat/0190a6b0-0000-7000-8000-00000000c4a7?since=5',
    });
    tool.close();
    const reader = new WsClient(base, [CHAT_SUBPROTOCOL]);
    expect(await first(reader)).toMatchObject({ user: null, signed: true });
    reader.close();
    // A bad or expired token: 401 before the upgrade, nothing reaches the chat service.
    for (const bad of ['garbage', await token({}, { exp: Math.floor(Date.now() / 1000) - 60 })]) {
      const refused = new WsClient(base, [CHAT_SUBPROTOCOL, `${CHAT_BEARER_SUBPROTOCOL_PREFIX}${bad}`]);
      await expect(first(refused)).rejects.toThrow('refused 401');
    }
  });

  it('routes /svc/{serviceId}/** to any registered service when the locator is on', async () => {
    const res = await api.get<{ user: null }>('/svc/things/anything?q=1');
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.url).toBe('/anything?q=1');
    expect((await api.get('/svc/unknown/x')).status).toBe(404);
    // Service-to-service endpoints are never reachable from outside, not even through the locator.
    const before = seen.length;
    for (const path of ['/svc/things/internal/secrets', '/svc/things/INTERNAL', '/svc/things/internal?x=1']) {
      expect((await api.get(path)).status).toBe(404);
    }
    expect(seen.length).toBe(before);
  });

  it('sends no new request to an instance that deregistered', async () => {
    const extra: Seen[] = [];
    const other = createServer((req, res) => {
      extra.push({ url: req.url ?? '', headers: req.headers });
      res.end('{}');
    });
    servers.push(other);
    const port = await listen(other);
    const base = discovery.instances('things');
    discovery.set('things', [...base, localInstance('things', port)]);
    for (let i = 0; i < 4; i++) await api.get('/api/things/spread');
    expect(extra.length).toBeGreaterThan(0);
    discovery.set('things', base);
    const before = extra.length;
    for (let i = 0; i < 6; i++) expect((await api.get('/api/things/after')).status).toBe(200);
    expect(extra.length).toBe(before);
  });

  it('routes a sticky route to the instance named by the holder record, and only to it', async () => {
    const hits: string[] = [];
    const make = (name: string) =>
      createServer((req, res) => {
        hits.push(`${name} ${req.url}`);
        res.end(name);
      });
    const one = make('one');
    const two = make('two');
    servers.push(one, two);
    const ports = [await listen(one), await listen(two)];
    discovery.set('origin', [localInstance('origin', ports[0]!), localInstance('origin', ports[1]!)]);
    const redis = createRedis(redisUrl, 'test-holder');
    const channel = uniqueName('ch');
    expect((await api.get(`/live/${channel}/master.m3u8`)).body).toMatchObject({ code: 'NOT_LIVE' });
    await redis.set(`phzzk:test:holder:${channel}`, `origin-${ports[1]}`, 'PX', 10_000);
    await waitFor(async () => (await fetch(`${gateway.url}/live/${channel}/a.m3u8`)).status === 200, {
      what: 'the holder to be read',
    });
    for (let i = 0; i < 5; i++) expect(await (await fetch(`${gateway.url}/live/${channel}/x`)).text()).toBe('two');
    // A holder that is not (or no longer) registered: 503 until a live holder takes over.
    await redis.set(`phzzk:test:holder:${channel}`, 'origin-gone', 'PX', 10_000);
    await waitFor(async () => (await fetch(`${gateway.url}/live/${channel}/x`)).status === 503, {
      what: 'the stale holder',
    });
    await redis.set(`phzzk:test:holder:${channel}`, `origin-${ports[0]}`, 'PX', 10_000);
    await waitFor(async () => (await (await fetch(`${gateway.url}/live/${channel}/x`)).text()) === 'one', {
      what: 'the takeover',
    });
    redis.disconnect();
  });
});

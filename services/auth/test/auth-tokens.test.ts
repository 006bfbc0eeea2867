import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRedis, DEVELOPMENT_SERVICE_KEY, identityHeaders, type Redis, signedHeaders } from '@phzzk/kit';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenVerifier } from '../src/adapters/access-token-verifier.ts';
import { REVOKED_SID_CHANNEL, REVOKED_SID_PREFIX } from '../src/adapters/redis-session-store.ts';
import { AUDIENCE, ISSUER, newAccount, startIdentity, type Tokens } from './support.ts';
import { createTokenFixtures } from './token-fixtures.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const strip = ({ requestId: _r, instance: _i, ...rest }: Record<string, unknown>) => rest;
let ipCounter = 1;
/** A client address as the gateway passes it on: signed, so that the service believes it. */
const fromIp = (ip = `198.51.100.${ipCounter++}`) => signedHeaders(DEVELOPMENT_SERVICE_KEY, { clientIp: ip });

describe('auth service: tokens, refresh rotation, revocation, throttling (real Redis and PostgreSQL)', () => {
  let id: Awaited<ReturnType<typeof startIdentity>>;
  let redis: Redis;
  let subscriber: Redis;
  const published: string[] = [];
  let verifier: AccessTokenVerifier;

  async function signup(body = newAccount()) {
    const res = await id.api.post<Tokens>('/api/auth/signup', body, fromIp());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { ...res.body, account: body };
  }

  beforeAll(async () => {
    // Without the refresh grace period: a rotated token coming back at once is reuse here (the
    // grace period has its own file, auth-refresh-grace.test.ts).
    id = await startIdentity({
      AUTH_LOGIN_MAX_FAILURES_PER_IP: '8',
      AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      AUTH_REFRESH_GRACE_SECONDS: '0',
    });
    redis = createRedis(id.infra.redisUrl, 'auth-test');
    subscriber = createRedis(id.infra.redisUrl, 'auth-test-sub');
    subscriber.on('message', (_channel, sid) => published.push(sid));
    await subscriber.subscribe(REVOKED_SID_CHANNEL);
    const jwks = await id.api.get<{ keys: [] }>('/api/auth/jwks.json');
    verifier = await AccessTokenVerifier.fromJwks(jwks.body, { issuer: ISSUER, audience: AUDIENCE });
  });
  afterAll(async () => {
    subscriber?.disconnect();
    redis?.disconnect();
    await id?.stop();
  });

  it('signs up and returns a Bearer access token with the required claims and an opaque refresh token', async () => {
    const res = await id.api.post<Tokens>('/api/auth/signup', newAccount(), fromIp());
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 600 });
    expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const header = decodeProtectedHeader(res.body.accessToken);
    expect(header).toEqual({ alg: 'RS256', kid: id.signingKeys[0]!.kid, typ: 'at+jwt' });
    const claims = decodeJwt(res.body.accessToken);
    expect(claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, roles: ['user'] });
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'roles', 'sid', 'sub']);
    expect(claims.exp! - claims.iat!).toBe(600);
    const verified = await verifier.verify(res.body.accessToken);
    expect(verified.userId).toBe(claims.sub);
  });

  it('keeps only hashes of refresh tokens in Redis', async () => {
    const t = await signup();
    const keys = await redis.keys(`${id.prefix}*`);
    expect(keys.some((k) => k.includes(t.refreshToken))).toBe(false);
    expect(keys).toContain(`${id.prefix}rt:${hash(t.refreshToken)}`);
    const sid = decodeJwt(t.accessToken).sid as string;
    const family = await redis.hgetall(`${id.prefix}family:${sid}`);
    expect(family.current).toBe(hash(t.refreshToken));
    expect(JSON.stringify(family)).not.toContain(t.refreshToken);
  });

  it('passes on the user service refusals: duplicate email 409, weak password 400 with a reason', async () => {
    const t = await signup();
    const dup = await id.api.post(
      '/api/auth/signup',
      { ...newAccount(), email: t.account.email.toUpperCase() },
      fromIp(),
    );
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'EMAIL_TAKEN' });
    const weak = await id.api.post('/api/auth/signup', { ...newAccount(), password: 'qwerty123456' }, fromIp());
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ code: 'WEAK_PASSWORD', reason: 'TOO_COMMON' });
  });

  it('answers malformed and oversized bodies with 400 problems', async () => {
    const cases: [string, unknown][] = [
      ['/api/auth/signup', { ...newAccount(), role: 'admin' }],
      ['/api/auth/signup', { ...newAccount(), email: `${'x'.repeat(260)}@example.com` }],
      ['/api/auth/login', { email: 'a@example.com' }],
      ['/api/auth/login', { email: 'a@example.com', password: 'p'.repeat(2000) }],
      ['/api/auth/login', '{"email": "a@example.com", "password": '],
      ['/api/auth/refresh', { refreshToken: 'bad token with spaces' }],
      ['/api/auth/refresh', { refreshToken: 'A'.repeat(300) }],
      ['/api/auth/logout', {}],
    ];
    for (const [path, body] of cases) {
      const res = await id.api.post(path, body, fromIp());
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
      expect(res.contentType).toMatch(/problem\+json/);
    }
    const huge = await id.api.post(
      '/api/auth/login',
      { email: 'a@example.com', password: 'p'.repeat(40_000) },
      fromIp(),
    );
    expect(huge.status).toBe(413);
  });

  it('logs in, and answers an unknown email exactly like a wrong password (401 INVALID_CREDENTIALS)', async () => {
    const t = await signup();
    const ok = await id.api.post<Tokens>(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      fromIp(),
    );
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.accessToken).sid).not.toBe(decodeJwt(t.accessToken).sid);
    const wrong = await id.api.post<Record<string, unknown>>(
      '/api/auth/login',
      { email: t.account.email, password: 'not my password!' },
      fromIp(),
    );
    const unknown = await id.api.post<Record<string, unknown>>(
      '/api/auth/login',
      { email: `ghost.${Date.now()}@example.com`, password: 'not my password!' },
      fromIp(),
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('rotates the refresh token on every use; a rotated token coming back revokes the family', async () => {
    const t = await signup();
    const sid = decodeJwt(t.accessToken).sid as string;
    const first = await id.api.post<Tokens>('/api/auth/refresh', { refreshToken: t.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(t.refreshToken);
    expect(decodeJwt(first.body.accessToken).sid).toBe(sid);
    await verifier.verify(first.body.accessToken);

    const reused = await id.api.post('/api/auth/refresh', { refreshToken: t.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    const after = await id.api.post('/api/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
    // The gateway contract: a key with the access-token lifetime, and a message on the channel.
    const ttl = await redis.ttl(`${REVOKED_SID_PREFIX}${sid}`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    await waitUntil(() => published.includes(sid));
  });

  it('lets exactly one of several concurrent refreshes with the same token succeed', async () => {
    const t = await signup();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => id.api.post<Tokens>('/api/auth/refresh', { refreshToken: t.refreshToken })),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(4);
    // The losers presented a token that had just been rotated: that is reuse, the family is gone.
    const winner = await id.api.post('/api/auth/refresh', { refreshToken: ok[0]!.body.refreshToken });
    expect(winner.status).toBe(401);
  });

  it('refuses an expired refresh token and the sessions of a deleted account', async () => {
    const t = await signup();
    await redis.hset(`${id.prefix}rt:${hash(t.refreshToken)}`, 'exp', '1');
    const expired = await id.api.post('/api/auth/refresh', { refreshToken: t.refreshToken });
    expect(expired.body).toMatchObject({ code: 'REFRESH_TOKEN_EXPIRED' });

    const gone = await signup();
    const client = new pg.Client({ connectionString: id.infra.databaseUrl });
    await client.connect();
    await client.query(`delete from ${id.user.schema.name}.users where id = $1`, [decodeJwt(gone.accessToken).sub]);
    await client.end();
    const refused = await id.api.post('/api/auth/refresh', { refreshToken: gone.refreshToken });
    expect(refused.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
    expect(await redis.exists(`${REVOKED_SID_PREFIX}${decodeJwt(gone.accessToken).sid}`)).toBe(1);
  });

  it('logs out one session at once (revocation key + message), idempotently', async () => {
    const t = await signup();
    const sid = decodeJwt(t.accessToken).sid as string;
    const out = await id.api.post('/api/auth/logout', { refreshToken: t.refreshToken });
    expect(out.status).toBe(204);
    expect(await redis.get(`${REVOKED_SID_PREFIX}${sid}`)).toBe('1');
    await waitUntil(() => published.includes(sid));
    expect((await id.api.post('/api/auth/refresh', { refreshToken: t.refreshToken })).body).toMatchObject({
      code: 'REFRESH_TOKEN_REVOKED',
    });
    expect((await id.api.post('/api/auth/logout', { refreshToken: t.refreshToken })).status).toBe(204);
    expect((await id.api.post('/api/auth/logout', { refreshToken: 'A'.repeat(43) })).status).toBe(204);
  });

  it('logs out all sessions of the caller (or all others), and needs the gateway identity', async () => {
    const t = await signup();
    const sessions = [t];
    for (let i = 0; i < 2; i++) {
      const res = await id.api.post<Tokens>(
        '/api/auth/login',
        { email: t.account.email, password: t.account.password },
        fromIp(),
      );
      sessions.push({ ...res.body, account: t.account });
    }
    const anonymous = await id.api.post('/api/auth/logout-all', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'AUTH_REQUIRED' });

    const [keep, ...others] = sessions;
    const claims = decodeJwt(keep!.accessToken);
    const identity = identityHeaders({
      userId: claims.sub as string,
      sessionId: claims.sid as string,
      roles: ['user'],
    });
    const others1 = await id.api.post<{ ended: number }>('/api/auth/logout-all', { keepCurrent: true }, identity);
    expect(others1.status).toBe(200);
    expect(others1.body.ended).toBe(2);
    for (const s of others) {
      expect((await id.api.post('/api/auth/refresh', { refreshToken: s.refreshToken })).status).toBe(401);
      expect(await redis.exists(`${REVOKED_SID_PREFIX}${decodeJwt(s.accessToken).sid}`)).toBe(1);
    }
    const kept = await id.api.post<Tokens>('/api/auth/refresh', { refreshToken: keep!.refreshToken });
    expect(kept.status).toBe(200);
    const all = await id.api.request<{ ended: number }>('POST', '/api/auth/logout-all', undefined, identity);
    expect(all.status).toBe(200);
    expect(all.body.ended).toBe(1);
    expect((await id.api.post('/api/auth/refresh', { refreshToken: kept.body.refreshToken })).status).toBe(401);
  });

  it('throttles failures per account and address with growing delays, kept in Redis with a TTL', async () => {
    const t = await signup();
    const ip = '198.51.100.200';
    for (let i = 0; i < 3; i++) {
      const res = await id.api.post('/api/auth/login', { email: t.account.email, password: `wrong ${i}` }, fromIp(ip));
      expect(res.status).toBe(401);
    }
    const delayed = await id.api.post(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      fromIp(ip),
    );
    expect(delayed.status).toBe(429);
    expect(delayed.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(delayed.headers.get('retry-after'))).toBe(2);
    const accountKey = hash(t.account.email.toLowerCase());
    const pttl = await redis.pttl(`${id.prefix}attempts:login:account-ip:${accountKey}:${ip}`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(902_000);
    // The same account from another address is not delayed.
    const elsewhere = await id.api.post(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      fromIp(),
    );
    expect(elsewhere.status).toBe(200);
  });

  it('lets nobody lock the owner out: a known device signs in while the account budget is spent', async () => {
    const t = await signup();
    const owner = await id.api.post(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      fromIp(),
    );
    expect(owner.status).toBe(200);
    const setCookie = owner.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^phzzk_device=[A-Za-z0-9_-]{43}; Path=\/api\/auth\/login; Max-Age=\d+; HttpOnly; SameSite=Lax/,
    );
    const device = /phzzk_device=([A-Za-z0-9_-]+)/.exec(setCookie)?.[1] ?? '';
    // Redis keeps only the hash of the device token, bound to the account, with a TTL.
    expect(await redis.exists(`${id.prefix}device:${device}`)).toBe(0);
    expect(await redis.ttl(`${id.prefix}device:${hash(device)}`)).toBeGreaterThan(86_400);
    // An attacker spreads guesses over addresses until the account-wide budget (5) is spent.
    for (let i = 0; i < 5; i++) {
      const res = await id.api.post('/api/auth/login', { email: t.account.email, password: `guess ${i}` }, fromIp());
      expect(res.status).toBe(401);
    }
    const attacker = await id.api.post('/api/auth/login', { email: t.account.email, password: 'guess 5' }, fromIp());
    expect(attacker.status).toBe(429);
    const retryAfter = Number(attacker.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // A client without the device cookie waits (the owner on a new device included)...
    const newDevice = await id.api.post(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      fromIp(),
    );
    expect(newDevice.status).toBe(429);
    // ...the owner's known device does not, from any address.
    const known = await id.api.post(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      { ...fromIp(), cookie: `phzzk_device=${device}` },
    );
    expect(known.status).toBe(200);
    // Another account is untouched.
    const other = await signup();
    const fine = await id.api.post(
      '/api/auth/login',
      { email: other.account.email, password: other.account.password },
      fromIp(),
    );
    expect(fine.status).toBe(200);
  });

  it('throttles per client address, trusting only the address the gateway signed', async () => {
    const t = await signup();
    const ip = '203.0.113.77';
    for (let i = 0; i < 8; i++) {
      const res = await id.api.post(
        '/api/auth/login',
        { email: `nobody${i}.${Date.now()}@example.com`, password: 'whatever it is' },
        // X-Forwarded-For is anyone's to write: it never moves a client to a fresh budget.
        { ...fromIp(ip), 'x-forwarded-for': `10.9.9.${i}` },
      );
      expect(res.status).toBe(401);
    }
    const blocked = await id.api.post(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      { ...fromIp(ip), 'x-forwarded-for': '203.0.113.1' },
    );
    expect(blocked.status).toBe(429);
    // An unsigned or forged address is refused outright, not believed.
    const forged = await id.api.post(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      { 'x-phzzk-client-ip': '203.0.113.2' },
    );
    expect(forged.status).toBe(401);
    const elsewhere = await id.api.post(
      '/api/auth/login',
      { email: t.account.email, password: t.account.password },
      fromIp('203.0.113.3'),
    );
    expect(elsewhere.status).toBe(200);
  });

  it('finds the user service through discovery and moves past an instance that refuses connections', async () => {
    const live = id.user.running.instance;
    // A port that was just free: connecting to it is refused.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const dead = { ...live, instanceId: 'user-dead', port };
    id.discovery.set('user', [dead, live]);
    try {
      const t = await signup();
      for (let i = 0; i < 4; i++) {
        const res = await id.api.post(
          '/api/auth/login',
          { email: t.account.email, password: t.account.password },
          fromIp(),
        );
        expect(res.status).toBe(200);
      }
      id.discovery.set('user', [dead]);
      const down = await id.api.post(
        '/api/auth/login',
        { email: t.account.email, password: t.account.password },
        fromIp(),
      );
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ code: 'USER_SERVICE_UNAVAILABLE' });
    } finally {
      id.discovery.set('user', [live]);
    }
  });

  it('passes the caller request id to the user service', async () => {
    const seen: string[] = [];
    const recorder = createServer((req, res) => {
      seen.push(String(req.headers['x-request-id']));
      res
        .writeHead(401, { 'content-type': 'application/problem+json' })
        .end('{"status":401,"code":"INVALID_CREDENTIALS"}');
    });
    await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
    const live = id.user.running.instance;
    id.discovery.set('user', [{ ...live, instanceId: 'recorder', port: (recorder.address() as AddressInfo).port }]);
    try {
      const res = await id.api.post(
        '/api/auth/login',
        { email: 'trace@example.com', password: 'whatever it is' },
        { ...fromIp(), 'x-request-id': 'trace-identity-1' },
      );
      expect(res.status).toBe(401);
      expect(seen).toEqual(['trace-identity-1']);
    } finally {
      id.discovery.set('user', [live]);
      recorder.close();
    }
  });

  it('serves the JWKS at both paths with public keys only', async () => {
    for (const path of ['/api/auth/jwks.json', '/.well-known/jwks.json']) {
      const res = await id.api.get<{ keys: Record<string, unknown>[] }>(path);
      expect(res.status).toBe(200);
      expect(res.body.keys).toHaveLength(1);
      expect(res.body.keys[0]).toMatchObject({ kty: 'RSA', kid: id.signingKeys[0]!.kid, alg: 'RS256', use: 'sig' });
      expect(res.body.keys[0]).not.toHaveProperty('d');
    }
  });

  it('rejects expired, tampered, alg:none, wrong-aud, wrong-kid tokens (fixtures) with 401 codes', async () => {
    const fx = await createTokenFixtures({ issuer: ISSUER, audience: AUDIENCE });
    const own = await AccessTokenVerifier.fromJwks(fx.jwks, { issuer: ISSUER, audience: AUDIENCE });
    await expect(own.verify(await fx.valid())).resolves.toMatchObject({ roles: ['user'] });
    for (const bad of await fx.badTokens()) {
      await expect(own.verify(bad.token), bad.name).rejects.toMatchObject({ kind: 'unauthenticated', code: bad.code });
    }
    // And tokens of the real service, altered.
    const t = await signup();
    const [h, p, s] = t.accessToken.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['admin'] })).toString('base64url')}.${s}`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(own.verify(t.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

import { createHash } from 'node:crypto';
import { createRedis, DEVELOPMENT_SERVICE_KEY, type Redis, signedHeaders } from '@phzzk/kit';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOKED_SID_PREFIX } from '../src/adapters/redis-session-store.ts';
import { newAccount, startIdentity, type Tokens } from './support.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const fromIp = (ip: string) => signedHeaders(DEVELOPMENT_SERVICE_KEY, { clientIp: ip });

/** Polls until `condition` holds (a condition, never a fixed sleep). */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('auth service: refresh-token reuse grace period (real Redis and PostgreSQL)', () => {
  let id: Awaited<ReturnType<typeof startIdentity>>;
  let redis: Redis;
  let ip = 1;

  async function signup() {
    const res = await id.api.post<Tokens>('/api/auth/signup', newAccount(), fromIp(`198.51.100.${ip++}`));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }
  const refresh = (refreshToken: string) => id.api.post<Tokens>('/api/auth/refresh', { refreshToken });

  beforeAll(async () => {
    id = await startIdentity({ AUTH_REFRESH_GRACE_SECONDS: '2' });
    redis = createRedis(id.infra.redisUrl, 'auth-grace-test');
  });
  afterAll(async () => {
    redis?.disconnect();
    await id?.stop();
  });

  it('gives two parallel refreshes of one token the same new pair, and the session lives on', async () => {
    const t = await signup();
    const sid = decodeJwt(t.accessToken).sid;
    const [a, b] = await Promise.all([refresh(t.refreshToken), refresh(t.refreshToken)]);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(b.body.refreshToken).toBe(a.body.refreshToken);
    expect(b.body.accessToken).toBe(a.body.accessToken);
    expect(a.body.refreshToken).not.toBe(t.refreshToken);
    expect(decodeJwt(a.body.accessToken).sid).toBe(sid);
    // The family was not revoked: the new token refreshes, and nothing was announced to the gateway.
    expect(await redis.exists(`${REVOKED_SID_PREFIX}${sid}`)).toBe(0);
    const next = await refresh(a.body.refreshToken);
    expect(next.status).toBe(200);
  });

  it('keeps the kept answer sealed: Redis holds neither the new refresh token nor the access token', async () => {
    const t = await signup();
    const rotated = await refresh(t.refreshToken);
    expect(rotated.status).toBe(200);
    const kept = await redis.hgetall(`${id.prefix}grace:${hash(t.refreshToken)}`);
    expect(kept.next).toBe(hash(rotated.body.refreshToken));
    expect(kept.sealed).toBeTruthy();
    const stored = JSON.stringify(kept);
    expect(stored).not.toContain(rotated.body.refreshToken);
    expect(stored).not.toContain(rotated.body.accessToken.split('.')[1]);
    const ttl = await redis.pttl(`${id.prefix}grace:${hash(t.refreshToken)}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
  });

  it('no grace once the family moved on: the old token after the new one was used is reuse', async () => {
    const t = await signup();
    const first = await refresh(t.refreshToken);
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
    const stale = await refresh(t.refreshToken);
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    expect((await refresh(second.body.refreshToken)).status).toBe(401);
  });

  it('revokes the family when a rotated token comes back after the grace period', async () => {
    const t = await signup();
    const sid = decodeJwt(t.accessToken).sid;
    const first = await refresh(t.refreshToken);
    expect(first.status).toBe(200);
    await waitFor(async () => (await redis.exists(`${id.prefix}grace:${hash(t.refreshToken)}`)) === 0);
    const late = await refresh(t.refreshToken);
    expect(late.status).toBe(401);
    expect(late.body).toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    expect(await redis.exists(`${REVOKED_SID_PREFIX}${sid}`)).toBe(1);
    const after = await refresh(first.body.refreshToken);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
  });
});

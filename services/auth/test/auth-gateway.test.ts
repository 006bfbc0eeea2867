import { createPrivateKey } from 'node:crypto';
import { request } from 'node:http';
import { startService } from '@phzzk/kit';
import { ApiClient, waitFor } from '@phzzk/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayService } from '../../gateway/src/service.ts';
import { newAccount, startIdentity, type Tokens } from './support.ts';
import { createTokenFixtures } from './token-fixtures.ts';
import { startTestProvider, TestBrowser } from './oidc-test-provider.ts';

const PUBLIC = 'http://phzzk.test';

/** A raw HTTP/1.1 request, so the path reaches the gateway exactly as written (fetch normalizes it). */
function rawGet(base: string, path: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

// Everything through the real gateway (its JWT verification, identity headers and revocation feed);
// the services only see what the gateway forwards.
const OPERATOR = 'operator-token-for-the-auth-gateway-test';

describe('identity through the gateway', () => {
  let id: Awaited<ReturnType<typeof startIdentity>>;
  let idp: Awaited<ReturnType<typeof startTestProvider>>;
  let gateway: Awaited<ReturnType<typeof startService>>;
  let api: ApiClient;

  beforeAll(async () => {
    idp = await startTestProvider({
      clientId: 'phzzk-gw',
      clientSecret: 'gateway-test-client-secret',
      redirectUris: [`${PUBLIC}/api/auth/social/idp/callback`],
    });
    id = await startIdentity({
      // Immediate reuse is reuse here (the grace period is tested in auth-refresh-grace.test.ts).
      AUTH_REFRESH_GRACE_SECONDS: '0',
      AUTH_PUBLIC_URL: PUBLIC,
      AUTH_SOCIAL_PROVIDERS: JSON.stringify([
        {
          id: 'idp',
          preset: 'oidc',
          issuer: idp.issuer,
          clientId: 'phzzk-gw',
          clientSecret: 'gateway-test-client-secret',
        },
      ]),
    });
    id.discovery.set('auth', [id.auth.instance]);
    gateway = await startService(gatewayService, {
      env: {
        SERVER_PORT: '0',
        LOG_LEVEL: 'silent',
        REDIS_URL: id.infra.redisUrl,
        GATEWAY_RATE_LIMIT_ENABLED: 'false',
        // A statically listed auth instance is no platform registration: the JWKS is configured.
        GATEWAY_JWT_JWKS_URI: `${id.auth.url}/api/auth/jwks.json`,
        GATEWAY_OPERATOR_TOKEN: OPERATOR,
      },
      discovery: id.discovery,
    });
    api = new ApiClient(gateway.url);
    await waitFor(
      async () =>
        (
          await api.get<{ checks: Record<string, { status: string }> }>('/health', {
            authorization: `Bearer ${OPERATOR}`,
          })
        ).body.checks?.jwks?.status === 'up',
      {
        what: 'the gateway to load the JWKS',
      },
    );
  });
  afterAll(async () => {
    await gateway?.stop();
    await id?.stop();
    await idp?.close();
  });

  const bearer = (t: { accessToken: string }) => ({ authorization: `Bearer ${t.accessToken}` });

  it('signs up, logs in and reads /api/users/me with the access token; forged identity headers do nothing', async () => {
    const account = newAccount();
    const signup = await api.post<Tokens>('/api/auth/signup', account);
    expect(signup.status).toBe(201);
    const login = await api.post<Tokens>('/api/auth/login', { email: account.email, password: account.password });
    expect(login.status).toBe(200);
    const me = await api.get<{ id: string; email: string }>('/api/users/me', bearer(login.body));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: decodeJwt(login.body.accessToken).sub, email: account.email });

    const anonymous = await api.get('/api/users/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'AUTH_REQUIRED' });
    const forged = await api.get('/api/users/me', { 'x-phzzk-user-id': me.body.id });
    expect(forged.status).toBe(401);
    const other = newAccount();
    const otherTokens = await api.post<Tokens>('/api/auth/signup', other);
    const mixed = await api.get<{ id: string }>('/api/users/me', {
      ...bearer(otherTokens.body),
      'x-phzzk-user-id': me.body.id,
    });
    expect(mixed.body.id).toBe(decodeJwt(otherTokens.body.accessToken).sub);

    const renamed = await api.patch<{ nickname: string }>(
      '/api/users/me',
      { nickname: `gw${Date.now().toString(36)}` },
      bearer(login.body),
    );
    expect(renamed.status).toBe(200);
    expect((await api.get<{ keys: unknown[] }>('/.well-known/jwks.json')).body.keys).toHaveLength(1);
  });

  it('rejects expired, tampered, alg:none, wrong-aud and wrong-kid tokens with 401', async () => {
    const key = id.signingKeys[0]!;
    const fx = await createTokenFixtures({
      issuer: 'phzzk-auth',
      audience: 'phzzk',
      kid: key.kid,
      privateKey: createPrivateKey(key.privateKeyPem),
    });
    for (const bad of await fx.badTokens()) {
      if (bad.strictOnly) continue;
      const res = await api.get('/api/users/me', { authorization: `Bearer ${bad.token}` });
      expect(res.status, bad.name).toBe(401);
      expect((res.body as { code: string }).code, bad.name).toMatch(/^TOKEN_(INVALID|EXPIRED)$/);
    }
  });

  it('rejects an access token promptly once its session is logged out, or its refresh token reused', async () => {
    const account = newAccount();
    const t = (await api.post<Tokens>('/api/auth/signup', account)).body;
    expect((await api.get('/api/users/me', bearer(t))).status).toBe(200);
    expect((await api.post('/api/auth/logout', { refreshToken: t.refreshToken })).status).toBe(204);
    await waitFor(
      async () => (await api.get<{ code: string }>('/api/users/me', bearer(t))).body.code === 'TOKEN_REVOKED',
      {
        timeoutMs: 3000,
        what: 'the gateway to learn of the logout',
      },
    );

    const s = (await api.post<Tokens>('/api/auth/login', { email: account.email, password: account.password })).body;
    const rotated = (await api.post<Tokens>('/api/auth/refresh', { refreshToken: s.refreshToken })).body;
    expect((await api.get('/api/users/me', bearer(rotated))).status).toBe(200);
    const reuse = await api.post('/api/auth/refresh', { refreshToken: s.refreshToken });
    expect(reuse.body).toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    await waitFor(async () => (await api.get('/api/users/me', bearer(rotated))).status === 401, {
      timeoutMs: 3000,
      what: 'the gateway to learn of the revoked family',
    });
  });

  it('logs out everywhere only with an access token', async () => {
    const account = newAccount();
    const a = (await api.post<Tokens>('/api/auth/signup', account)).body;
    const b = (await api.post<Tokens>('/api/auth/login', { email: account.email, password: account.password })).body;
    expect((await api.post('/api/auth/logout-all', {})).status).toBe(401);
    const all = await api.post<{ ended: number }>('/api/auth/logout-all', {}, bearer(a));
    expect(all.status).toBe(200);
    expect(all.body.ended).toBe(2);
    for (const t of [a, b]) {
      await waitFor(async () => (await api.get('/api/users/me', bearer(t))).status === 401, {
        timeoutMs: 3000,
        what: 'revocation',
      });
    }
  });

  it('never routes to the user service internal API', async () => {
    expect((await api.post('/internal/accounts/lookup', { email: 'a@example.com' })).status).toBe(404);
    for (const path of [
      '/internal/accounts/lookup',
      '/api/users/../../internal/accounts/0190a6b0-0000-7000-8000-000000000000',
      '/api/users/%2e%2e/%2e%2e/internal/accounts/x',
    ]) {
      expect(await rawGet(gateway.url, path), path).toBeGreaterThanOrEqual(400);
      expect(await rawGet(gateway.url, path), path).not.toBe(200);
    }
  });

  it('completes a social login and sign-up through the gateway', async () => {
    const browser = new TestBrowser();
    const tag = Date.now().toString(36);
    idp.signInAs({ sub: `gw-${tag}`, email: `gw.${tag}@example.com`, email_verified: true });
    const start = await browser.get(`${gateway.url}/api/auth/social/idp/authorize`);
    expect(start.status).toBe(302);
    const callback = await browser.followUntil(start.headers.get('location')!, PUBLIC);
    const res = await browser.get(`${gateway.url}${callback.pathname}${callback.search}`, {
      accept: 'application/json',
    });
    const pending = (await res.json()) as { status: string; signupTicket: string };
    expect(pending.status).toBe('signup_required');
    const done = await api.post<Tokens>('/api/auth/social/signup', {
      signupTicket: pending.signupTicket,
      nickname: `gw${tag}`.slice(0, 20),
      password: 'copper kettle sunrise 8',
    });
    expect(done.status).toBe(201);
    const me = await api.get<{ signupMethod: string; emailChangeable: boolean }>('/api/users/me', bearer(done.body));
    expect(me.body).toMatchObject({ signupMethod: 'idp', emailChangeable: false });
    const change = await api.patch(
      '/api/users/me',
      { email: `other.${tag}@example.com`, currentPassword: 'copper kettle sunrise 8' },
      bearer(done.body),
    );
    expect(change.body).toMatchObject({ code: 'EMAIL_CHANGE_FORBIDDEN' });
  });
});

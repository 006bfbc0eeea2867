import { createRedis, newServiceKeyPair, StaticDiscovery, startService } from '@phzzk/kit';
import { ApiClient, testInfra, uniqueName } from '@phzzk/testing';
import { decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenVerifier } from '../src/adapters/access-token-verifier.ts';
import { authService } from '../src/service.ts';
import { AUDIENCE, ISSUER, newAccount, rsaPem, startIdentity, type Tokens } from './support.ts';

const verifierFrom = async (api: ApiClient) =>
  AccessTokenVerifier.fromJwks((await api.get<{ keys: JWK[] }>('/api/auth/jwks.json')).body, {
    issuer: ISSUER,
    audience: AUDIENCE,
  });

const DEV_KEY_ENV = { CONFIG_PROFILE: 'dev', AUTH_DEV_KEY_SECRET: 'auth-keys-test-dev-key-secret' };

describe('auth service: signing keys from the config server layer, and generated keys', () => {
  let id: Awaited<ReturnType<typeof startIdentity>>;
  beforeAll(async () => {
    // AUTH_SIGNING_KEYS empty in the environment: keys come from the (simulated) config server.
    id = await startIdentity(DEV_KEY_ENV, { configuredKeys: false });
  });
  afterAll(async () => {
    await id?.stop();
  });

  it('starts on a key generated once and shared through Redis, and says so on /health', async () => {
    const health = await id.api.get<{ checks: Record<string, { detail: string }> }>('/health');
    expect(health.body.checks['signing-keys']?.detail).toMatch(
      /a development key, generated .*shared through Redis \(encrypted\).*development only/,
    );
    const second = await startService(authService, {
      env: { REDIS_URL: id.infra.redisUrl, AUTH_REDIS_PREFIX: id.prefix, LOG_LEVEL: 'silent', ...DEV_KEY_ENV },
      discovery: new StaticDiscovery([]),
    });
    try {
      const a = await id.api.get<{ keys: JWK[] }>('/api/auth/jwks.json');
      const b = await new ApiClient(second.url).get<{ keys: JWK[] }>('/api/auth/jwks.json');
      expect(a.body.keys[0]?.kid).toMatch(/^dev-/);
      expect(b.body).toEqual(a.body);
    } finally {
      await second.stop();
    }
  });

  it('keeps the generated key encrypted in Redis, never as plain PEM', async () => {
    const redis = createRedis(id.infra.redisUrl, 'auth-keys-test');
    try {
      const keys = await redis.keys(`${id.prefix}generated-signing-key*`);
      expect(keys).toHaveLength(1);
      const stored = (await redis.get(keys[0]!)) ?? '';
      expect(stored).toMatch(/"sealed"/);
      expect(stored).not.toMatch(/PRIVATE KEY|MII/);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses to start without signing keys outside the dev profile, or in dev without the key secret', async () => {
    const env = { REDIS_URL: id.infra.redisUrl, AUTH_REDIS_PREFIX: uniqueName('phzzk_nokey'), LOG_LEVEL: 'silent' };
    const discovery = new StaticDiscovery([]);
    await expect(startService(authService, { env, discovery })).rejects.toThrow(
      /auth\.signing-keys is empty: outside the dev profile/,
    );
    const own = newServiceKeyPair();
    await expect(
      startService(authService, {
        // Service keys, so that the signing key is what is missing.
        env: {
          ...env,
          CONFIG_PROFILE: 'prod',
          SECURITY_SERVICE_KEYS: 'k'.repeat(43),
          SECURITY_SERVICE_PRIVATE_KEY: own.privateKey,
          SECURITY_SERVICE_PUBLIC_KEYS: JSON.stringify({ auth: own.publicKey }),
        },
        discovery: new StaticDiscovery([]),
      }),
    ).rejects.toThrow(/needs a configured signing key/);
    await expect(
      startService(authService, { env: { ...env, CONFIG_PROFILE: 'dev' }, discovery: new StaticDiscovery([]) }),
    ).rejects.toThrow(/auth\.dev-key-secret is not set/);
  });

  it('rotates: the new key signs, the old one verifies until removed', async () => {
    const config = id.auth.context.config;
    const keyA = { kid: 'key-a', privateKeyPem: rsaPem(), active: true };
    await config.applyServerLayer({ 'auth.signing-keys': [keyA] }, 'v1');
    const withA = await id.api.post<Tokens>('/api/auth/signup', newAccount());
    expect(decodeProtectedHeader(withA.body.accessToken).kid).toBe('key-a');

    const keyB = { kid: 'key-b', privateKeyPem: rsaPem(), active: true };
    await config.applyServerLayer({ 'auth.signing-keys': [{ ...keyA, active: false }, keyB] }, 'v2');
    const jwks = await id.api.get<{ keys: JWK[] }>('/.well-known/jwks.json');
    expect(jwks.body.keys.map((k) => k.kid)).toEqual(['key-a', 'key-b']);
    const withB = await id.api.post<Tokens>('/api/auth/signup', newAccount());
    expect(decodeProtectedHeader(withB.body.accessToken).kid).toBe('key-b');
    const during = await verifierFrom(id.api);
    await expect(during.verify(withA.body.accessToken)).resolves.toBeDefined();
    await expect(during.verify(withB.body.accessToken)).resolves.toBeDefined();
    // A refresh of a session started under key A gets a key-B token.
    const refreshed = await id.api.post<Tokens>('/api/auth/refresh', { refreshToken: withA.body.refreshToken });
    expect(decodeProtectedHeader(refreshed.body.accessToken).kid).toBe('key-b');

    await config.applyServerLayer({ 'auth.signing-keys': [keyB] }, 'v3');
    const after = await verifierFrom(id.api);
    await expect(after.verify(withA.body.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(after.verify(withB.body.accessToken)).resolves.toBeDefined();

    // A broken key set is refused and the keys in force stay.
    await config.applyServerLayer({ 'auth.signing-keys': [{ ...keyB, active: false }] }, 'v4');
    const still = await id.api.post<Tokens>('/api/auth/signup', newAccount());
    expect(decodeProtectedHeader(still.body.accessToken).kid).toBe('key-b');
  });

  it('refuses to start with unusable keys, naming the problem', async () => {
    const infra = await testInfra();
    const start = (keys: unknown) =>
      startService(authService, {
        env: {
          REDIS_URL: infra.redisUrl,
          AUTH_REDIS_PREFIX: uniqueName('x'),
          AUTH_SIGNING_KEYS: JSON.stringify(keys),
          LOG_LEVEL: 'silent',
        },
        discovery: new StaticDiscovery([]),
      });
    await expect(
      start([{ kid: 'a', privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(80)}\n-----END PRIVATE KEY-----` }]),
    ).rejects.toThrow(/a is not a readable PEM/);
    await expect(
      start([
        { kid: 'a', privateKeyPem: rsaPem(), active: true },
        { kid: 'b', privateKeyPem: rsaPem(), active: true },
      ]),
    ).rejects.toThrow(/exactly one key must be active/);
  });
});

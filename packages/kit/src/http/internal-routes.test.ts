import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../health/health-registry.ts';
import { createLogger } from '../logging/logger.ts';
import { buildServiceApp } from './build-app.ts';
import { createMetricsRegistry } from './http-metrics.ts';
import { internalRoutes } from './internal-routes.ts';
import { newServiceKeyPair } from './service-keys.ts';
import { internalCallHeaders, ServiceTrust, signedHeaders } from './service-trust.ts';

const SHARED = 'a-shared-key-for-this-test-0123456789abcdef';
const pairs = { user: newServiceKeyPair(), auth: newServiceKeyPair(), chat: newServiceKeyPair() };

/** The user service on real keys, its account routes reserved for auth. */
function userApp() {
  const trust = ServiceTrust.fromConfig('user', [SHARED], 'prod', {
    privateKey: pairs.user.privateKey,
    publicKeys: JSON.stringify(Object.fromEntries(Object.entries(pairs).map(([s, p]) => [s, p.publicKey]))),
  });
  const app = buildServiceApp({
    identity: { service: 'user', version: '1.0.0', instanceId: 'user-1' },
    logger: createLogger({ service: 'user', instanceId: 'user-1', level: 'silent' }),
    health: new HealthRegistry(),
    metrics: createMetricsRegistry('user', 'user-1'),
    configVersion: () => 'v',
    trust,
  });
  internalRoutes(
    app,
    (scope) => {
      scope.get('/accounts/:id', async (req) => ({ id: (req.params as { id: string }).id }));
    },
    { callers: ['auth'] },
  );
  return app;
}

const PATH = '/internal/accounts/a1?full=1';

describe('the /internal route guard', () => {
  it('lets auth in with its own key, and keeps chat out even with the shared key', async () => {
    const app = userApp();
    const call = (headers: Record<string, string>) => app.inject({ method: 'GET', url: PATH, headers });
    const asAuth = await call(internalCallHeaders('GET', PATH, { service: 'auth', privateKey: pairs.auth.privateKey }));
    expect([asAuth.statusCode, asAuth.json()]).toEqual([200, { id: 'a1' }]);
    const asChat = await call(internalCallHeaders('GET', PATH, { service: 'chat', privateKey: pairs.chat.privateKey }));
    expect([asChat.statusCode, asChat.json().code]).toEqual([403, 'INTERNAL_CALLER_REFUSED']);
    // Chat signing as auth, or anyone holding the shared key claiming auth: the credential does not verify.
    const chatAsAuth = await call(
      internalCallHeaders('GET', PATH, { service: 'auth', privateKey: pairs.chat.privateKey }),
    );
    expect([chatAsAuth.statusCode, chatAsAuth.json().code]).toEqual([401, 'IDENTITY_UNVERIFIED']);
    const sharedAsAuth = await call(signedHeaders(SHARED, { service: 'auth' }, { method: 'GET', path: PATH }));
    expect([sharedAsAuth.statusCode, sharedAsAuth.json().code]).toEqual([401, 'IDENTITY_UNVERIFIED']);
    // A user identity the shared key signed is no service credential.
    const asUser = await call(
      signedHeaders(SHARED, { userId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }, { method: 'GET', path: PATH }),
    );
    expect([asUser.statusCode, asUser.json().code]).toEqual([401, 'INTERNAL_AUTH_REQUIRED']);
    // Signed for another path or method, or by a service nobody listed.
    const other = await call(
      internalCallHeaders('GET', '/internal/accounts/a2', { service: 'auth', privateKey: pairs.auth.privateKey }),
    );
    expect(other.statusCode).toBe(401);
    const post = await call(internalCallHeaders('POST', PATH, { service: 'auth', privateKey: pairs.auth.privateKey }));
    expect(post.statusCode).toBe(401);
    const stranger = await call(
      internalCallHeaders('GET', PATH, { service: 'billing', privateKey: newServiceKeyPair().privateKey }),
    );
    expect(stranger.statusCode).toBe(401);
    await app.close();
  });
});

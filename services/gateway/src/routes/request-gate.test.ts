import { type DiscoveryClient, type ProblemError, ServiceTrust } from '@phzzk/kit';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtVerifier } from '../adapters/jwt-verifier.ts';
import type { RouteDefinition } from '../domain/route-table.ts';
import { authenticate, type GateDeps } from './request-gate.ts';

const { publicKey, privateKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };

function token(sid: string) {
  return new SignJWT({ sid, roles: ['user'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer('phzzk-auth')
    .setAudience('phzzk')
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

function gate(): GateDeps {
  return {
    routes: () => [],
    discovery: {} as DiscoveryClient,
    locatorEnabled: () => false,
    verifier: new JwtVerifier({
      jwks: async () => ({ keys: [jwk] }),
      issuer: () => 'phzzk-auth',
      audience: () => 'phzzk',
    }),
    revoked: { has: (sid: string) => sid === 'ended' },
    trust: ServiceTrust.fromConfig('gateway', undefined, 'test'),
  };
}

const privateRoute: RouteDefinition = { id: 'private', path: '/p/**', service: 'svc', auth: 'required' };
const openRoute: RouteDefinition = { id: 'open', path: '/o/**', service: 'svc' };

function refusal(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    return error as ProblemError;
  }
  throw new Error('expected a refusal');
}

describe('authenticate', () => {
  it('verifies a new token asynchronously, then answers for it without a promise', async () => {
    const deps = gate();
    const bearer = `Bearer ${await token('s1')}`;
    const first = authenticate(deps, privateRoute, bearer, '/p/x', false);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatchObject({ sub: 'user-1', sid: 's1', roles: ['user'] });
    const again = authenticate(deps, privateRoute, bearer, '/p/x', false);
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toMatchObject({ sub: 'user-1', sid: 's1' });
  });

  it('refuses an ended session whether its token is new or known', async () => {
    const deps = gate();
    const bearer = `Bearer ${await token('ended')}`;
    await expect(authenticate(deps, privateRoute, bearer, '/p/x', false)).rejects.toMatchObject({
      status: 401,
      code: 'TOKEN_REVOKED',
    });
    // The signature was good, so the token is known now: the refusal comes without a promise.
    expect(refusal(() => authenticate(deps, privateRoute, bearer, '/p/x', false))).toMatchObject({
      status: 401,
      code: 'TOKEN_REVOKED',
    });
  });

  it('refuses missing, malformed and tampered tokens, and lets anonymous requests through open routes', async () => {
    const deps = gate();
    expect(refusal(() => authenticate(deps, privateRoute, undefined, '/p/x', false))).toMatchObject({
      status: 401,
      code: 'AUTH_REQUIRED',
    });
    expect(refusal(() => authenticate(deps, openRoute, 'Basic abc', '/o/x', false))).toMatchObject({
      status: 401,
      code: 'TOKEN_INVALID',
    });
    const good = await token('s2');
    const tampered = `${good.slice(0, -4)}AAAA`;
    await expect(authenticate(deps, openRoute, `Bearer ${tampered}`, '/o/x', false)).rejects.toMatchObject({
      status: 401,
      code: 'TOKEN_INVALID',
    });
    expect(authenticate(deps, openRoute, undefined, '/o/x', false)).toBeUndefined();
  });
});

import { createServer, type Server } from 'node:http';
import { basicAuthorization, EurekaDiscovery } from '@phzzk/kit';
import { ApiClient, uniqueName, waitFor } from '@phzzk/testing';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Discovery, http, registration, startDiscovery, withCredentials } from '../../discovery/test/helpers.ts';
import { listen, type RunningGateway, startGateway } from './support/gateway.ts';

// Finding 2 of issue 11, at the gateway: "a fake AUTH instance could become the gateway's JWKS
// source and so mint accepted tokens". The gateway here finds auth through a real discovery
// server (with credentials). A fake AUTH registered anonymously is refused (401); one registered
// with another client's valid discovery credential is listed, but the gateway never asks it for
// keys, and tokens signed by its key are refused.

const OTHER = { username: 'other-service', password: 'other-service-password-1' };
const LONG_LEASE = { leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 120 } };
const ISSUER = 'phzzk-auth';

/** A key pair and a JWKS server for it that counts how often it is asked. */
async function keyServer(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  const state = { fetches: 0 };
  const server = createServer((_req, res) => {
    state.fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  return { kid, privateKey, server, port: await listen(server), state };
}

function token(kid: string, key: CryptoKey) {
  return new SignJWT({ sid: 'session-1', roles: ['user'] })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience('phzzk')
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime('10m')
    .setJti(uniqueName('jti'))
    .sign(key);
}

describe('gateway: a fake AUTH instance in discovery never becomes the JWKS source (real discovery)', () => {
  let discovery: Discovery;
  let eureka: string;
  let client: EurekaDiscovery;
  let gateway: RunningGateway;
  let api: ApiClient;
  let real: Awaited<ReturnType<typeof keyServer>>;
  let fake: Awaited<ReturnType<typeof keyServer>>;
  const servers: Server[] = [];

  beforeAll(async () => {
    discovery = await startDiscovery({ DISCOVERY_SECURITY_CLIENTS: `${OTHER.username}:${OTHER.password}` });
    eureka = `${discovery.url}/eureka`;
    real = await keyServer('real-key');
    fake = await keyServer('fake-key');
    const upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ user: req.headers['x-phzzk-user-id'] ?? null }));
    });
    servers.push(real.server, fake.server, upstream);
    const upstreamPort = await listen(upstream);

    // The fake comes first, so that the gateway's first view of auth already holds it.
    const anonymous = await http('POST', `${eureka}/apps/AUTH`, {
      body: registration('auth', 'fake-auth-anon', fake.port, LONG_LEASE),
      authorization: null,
    });
    expect(anonymous.status).toBe(401);
    const other = await http('POST', `${eureka}/apps/AUTH`, {
      body: registration('auth', 'fake-auth', fake.port, LONG_LEASE),
      authorization: basicAuthorization(OTHER.username, OTHER.password),
    });
    expect(other.status).toBe(204);
    // The real JWKS source and the upstream, registered with the platform credential.
    expect(
      (await http('POST', `${eureka}/apps/AUTH`, { body: registration('auth', 'real-auth', real.port, LONG_LEASE) }))
        .status,
    ).toBe(204);
    expect(
      (
        await http('POST', `${eureka}/apps/THINGS`, {
          body: registration('things', 'things-1', upstreamPort, LONG_LEASE),
        })
      ).status,
    ).toBe(204);

    client = new EurekaDiscovery({ urls: withCredentials(eureka) });
    gateway = await startGateway({
      env: { GATEWAY_OPERATOR_TOKEN: 'operator-token-for-tests-0123456789abcdef' },
      routes: [{ id: 'private', path: '/api/private/**', service: 'things', auth: 'required' }],
      discovery: client,
    });
    api = new ApiClient(gateway.url);
  });

  afterAll(async () => {
    await gateway?.stop();
    await client?.close();
    await discovery?.stop();
    for (const s of servers) s.close();
  });

  it('sees both AUTH instances in discovery, but takes keys only from the platform-registered one', async () => {
    await waitFor(() => client.instances('auth').length === 2, { what: 'both auth instances in the view' });
    const good = await token(real.kid, real.privateKey);
    await waitFor(async () => (await api.get('/api/private/x', { authorization: `Bearer ${good}` })).status === 200, {
      what: 'a token of the real key to be accepted',
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    expect(real.state.fetches).toBeGreaterThan(0);
  });

  it('refuses tokens signed by the fake instance key, and never asks it for keys', async () => {
    const minted = await token(fake.kid, fake.privateKey);
    // An unknown kid makes the gateway refetch the JWKS: still only from the real source.
    for (let i = 0; i < 3; i++) {
      const res = await api.get('/api/private/x', { authorization: `Bearer ${minted}` });
      expect(res.status).toBe(401);
    }
    // The fake key under the real key's id fails its signature check.
    const spoofed = await token(real.kid, fake.privateKey);
    expect((await api.get('/api/private/x', { authorization: `Bearer ${spoofed}` })).status).toBe(401);
    expect(fake.state.fetches).toBe(0);
    // The real key still works: the refetches went to the right place.
    const good = await token(real.kid, real.privateKey);
    expect((await api.get('/api/private/x', { authorization: `Bearer ${good}` })).status).toBe(200);
  });
});

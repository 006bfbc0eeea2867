import { basicAuthorization, EurekaDiscovery, registeredByPlatform, startService } from '@phzzk/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Discovery,
  http,
  JSON_ACCEPT,
  PLATFORM,
  registration,
  startDiscovery,
  waitFor,
  withCredentials,
} from './helpers.ts';
import { discoveryService } from '../src/service.ts';

// Discovery behind credentials, as Spring Cloud secures Eureka: anonymous writes get 401, an
// instance is changed only by the credential that registered it, only the platform credential
// replicates, reads stay open and never show a password.

const OTHER = { username: 'other', password: 'other-client-password' };
const asOther = basicAuthorization(OTHER.username, OTHER.password);

let discovery: Discovery;
let eureka: string;
const clients: EurekaDiscovery[] = [];

beforeAll(async () => {
  discovery = await startDiscovery({ DISCOVERY_SECURITY_CLIENTS: `${OTHER.username}:${OTHER.password}` });
  eureka = `${discovery.url}/eureka`;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await discovery.stop();
});

describe('discovery credentials', () => {
  it('refuses every anonymous or wrongly authenticated write with 401 and a Basic challenge', async () => {
    const long = { leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90 } };
    const owned = registration('owned', 'o-1', 9001, long);
    expect((await http('POST', `${eureka}/apps/OWNED`, { body: owned })).status).toBe(204);
    const writes: [string, string, unknown?][] = [
      ['POST', '/apps/FAKE', registration('fake', 'f-1', 9002)],
      ['POST', '/apps/AUTH', registration('auth', 'evil-1', 9003)],
      ['PUT', '/apps/OWNED/o-1'],
      ['DELETE', '/apps/OWNED/o-1'],
      ['PUT', '/apps/OWNED/o-1/status?value=OUT_OF_SERVICE'],
      ['DELETE', '/apps/OWNED/o-1/status'],
      ['PUT', '/apps/OWNED/o-1/metadata?zone=x'],
      ['POST', '/peerreplication/batch', { replicationList: [{ appName: 'OWNED', id: 'o-1', action: 'Cancel' }] }],
    ];
    const wrong = [null, basicAuthorization(PLATFORM.username, 'wrong-password'), 'Bearer x', 'Basic !!!'];
    for (const authorization of wrong) {
      for (const [method, path, body] of writes) {
        for (const prefix of [eureka, `${discovery.url}/eureka/v2`]) {
          const res = await http(method, `${prefix}${path}`, { body, authorization, headers: JSON_ACCEPT });
          expect(res.status, `${method} ${path} with ${authorization}`).toBe(401);
          expect(res.contentType).toMatch(/problem\+json/);
        }
      }
    }
    const res = await fetch(`${eureka}/apps/OWNED/o-1`, { method: 'DELETE' });
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    // Nothing changed, and reads stay open.
    const after = await http('GET', `${eureka}/apps/OWNED/o-1`, { headers: JSON_ACCEPT, authorization: null });
    expect(after.status).toBe(200);
    expect(after.json().instance).toMatchObject({ status: 'UP', overriddenStatus: 'UNKNOWN' });
    expect((await http('GET', `${eureka}/apps/FAKE`, { authorization: null })).status).toBe(404);
    expect((await http('GET', `${eureka}/apps/AUTH`, { authorization: null })).status).toBe(404);
  });

  it('lets only the registering credential change an instance, and never lets a client say who registered', async () => {
    const body = registration('mine', 'm-1', 9004, { metadata: { 'phzzk.registered-by': 'phzzk' } });
    expect((await http('POST', `${eureka}/apps/MINE`, { body, authorization: asOther })).status).toBe(204);
    const read = await http('GET', `${eureka}/apps/MINE/m-1`, { headers: JSON_ACCEPT, authorization: null });
    expect(read.json().instance.metadata['phzzk.registered-by']).toBe('other');
    expect(read.text).not.toContain(OTHER.password);
    expect(read.text).not.toContain(PLATFORM.password);

    // The platform credential cannot take over, overwrite or remove another credential's instance...
    for (const [method, path, b] of [
      ['POST', '/apps/MINE', registration('mine', 'm-1', 6666)],
      ['PUT', '/apps/MINE/m-1'],
      ['PUT', '/apps/MINE/m-1/status?value=OUT_OF_SERVICE'],
      ['DELETE', '/apps/MINE/m-1/status'],
      ['PUT', '/apps/MINE/m-1/metadata?zone=x'],
      ['DELETE', '/apps/MINE/m-1'],
    ] as const) {
      const res = await http(method, `${eureka}${path}`, { body: b });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json().code).toBe('NOT_OWNER');
    }
    // ...nor the other way round; and registered-by cannot be set as metadata.
    const owned = registration('owned', 'o-1', 1, { leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90 } });
    expect((await http('POST', `${eureka}/apps/OWNED`, { body: owned })).status).toBe(204);
    const takeOver = await http('POST', `${eureka}/apps/OWNED`, {
      body: registration('owned', 'o-1', 6666),
      authorization: asOther,
    });
    expect(takeOver.status).toBe(403);
    const relabel = await http('PUT', `${eureka}/apps/MINE/m-1/metadata?phzzk.registered-by=phzzk`, {
      authorization: asOther,
    });
    expect(relabel.status).toBe(400);
    expect((await http('PUT', `${eureka}/apps/MINE/m-1/status?value=DOWN`, { authorization: asOther })).status).toBe(
      200,
    );
    expect((await http('DELETE', `${eureka}/apps/MINE/m-1`, { authorization: asOther })).status).toBe(200);
  });

  it('lets only the platform credential replicate', async () => {
    const batch = { replicationList: [{ appName: 'OWNED', id: 'o-1', action: 'Cancel' }] };
    const res = await http('POST', `${eureka}/peerreplication/batch`, { body: batch, authorization: asOther });
    expect(res.status).toBe(403);
    // The replication header does not skip the ownership check for a client credential either.
    const headerOnly = await http('DELETE', `${eureka}/apps/OWNED/o-1`, {
      authorization: asOther,
      headers: { 'x-netflix-discovery-replication': 'true' },
    });
    expect(headerOnly.status).toBe(403);
    expect((await http('GET', `${eureka}/apps/OWNED/o-1`, { authorization: null })).status).toBe(200);
  });

  it('tells a platform client which instances the platform registered (the JWKS source rule)', async () => {
    const platform = new EurekaDiscovery({ urls: withCredentials(eureka) });
    const anonymous = new EurekaDiscovery({ urls: eureka });
    clients.push(platform, anonymous);
    expect(platform.registrant).toBe('phzzk');
    const evil = registration('auth', 'evil-auth', 9005);
    expect((await http('POST', `${eureka}/apps/AUTH`, { body: evil, authorization: asOther })).status).toBe(204);
    await platform.register({
      serviceId: 'auth',
      instanceId: 'real-auth',
      host: '127.0.0.1',
      port: 9006,
      status: 'UP',
      metadata: {},
    });
    await waitFor('both auth instances', () => platform.instances('auth').length === 2);
    const trusted = platform.instances('auth').filter((i) => registeredByPlatform(platform, i));
    expect(trusted.map((i) => i.instanceId)).toEqual(['real-auth']);
    // A client without credentials cannot register, and trusts no registration.
    await waitFor('the anonymous view', () => anonymous.instances('auth').length === 2);
    expect(anonymous.instances('auth').filter((i) => registeredByPlatform(anonymous, i))).toEqual([]);
    expect(registeredByPlatform({ mode: 'static' }, trusted[0]!)).toBe(true);
  });

  it('does not start without a password unless security is switched off', async () => {
    const env = { SERVER_PORT: '0', LOG_LEVEL: 'silent' };
    await expect(startService(discoveryService, { env })).rejects.toThrow(/discovery\.security\.password is not set/);
  });
});

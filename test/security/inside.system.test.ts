import { connect } from 'node:net';
import { DEVELOPMENT_SERVICE_KEY, identityHeaders, internalCallHeaders, signedHeaders } from '@phzzk/kit';
import { ApiClient } from '@phzzk/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatform } from '../support/platform-hooks.ts';

/** One request written as it is (fetch would normalize dot segments), answered status and body. */
function raw(baseUrl: string, target: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, text: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\n${extra}Connection: close\r\n\r\n`);
  });
}

/**
 * The inside of the platform as an attacker meets it, on the platform as `npm start` runs it
 * (`dev` profile: the discovery locator is on, a service key is made under PHZZK_HOME).
 */
describe('zero trust inside: paths, identities and /internal (system)', () => {
  const bed = usePlatform({ streamer: true });
  let userId: string;
  let userUrl: string;
  let channelUrl: string;

  beforeAll(async () => {
    userId = ((await bed.streamer.api.get<{ id: string }>('/api/users/me')).body as { id: string }).id;
    const url = (service: string) => bed.platform.instances().find((r) => r.service === service)!.url;
    userUrl = url('user');
    channelUrl = url('channel');
  }, 300_000);

  it('never reaches /internal through the gateway, however the path is spelled', async () => {
    const gw = bed.platform.gatewayUrl;
    // The finding: this answered 200 with the account, anonymously.
    const encoded = await raw(gw, `/svc/user/%69nternal/accounts/${userId}`);
    expect(encoded.status).toBe(404);
    expect(encoded.text).toContain('ROUTE_NOT_FOUND');
    expect(encoded.text).not.toContain('"email"');
    for (const target of [
      `/svc/user/internal/accounts/${userId}`,
      `/svc/user/INTERNAL/accounts/${userId}`,
      `/svc/user/%49nternal/accounts/${userId}`,
    ]) {
      expect((await raw(gw, target)).status).toBe(404);
    }
    for (const target of [
      `/svc/user%2Finternal/accounts/${userId}`,
      `/svc/user/api/%2E%2E/internal/accounts/${userId}`,
      `/svc/user/api/../internal/accounts/${userId}`,
      `/svc/user/x%00/internal/accounts/${userId}`,
      `/svc/user/%5Cinternal/accounts/${userId}`,
      `/svc/user//internal/accounts/${userId}`,
    ]) {
      const res = await raw(gw, target);
      expect(res.status, target).toBe(400);
      expect(res.text).toContain('PATH_REFUSED');
    }
  });

  it('keeps the discovery locator away from the gateway itself, discovery and config', async () => {
    const gw = bed.platform.gatewayUrl;
    expect((await raw(gw, '/svc/user/api/users/me')).status).toBe(401); // the locator works at all
    for (const target of ['/svc/gateway/svc/gateway/health', '/svc/discovery/eureka/apps', '/svc/config/gateway/dev']) {
      expect((await raw(gw, target)).status, target).toBe(404);
    }
  });

  it('refuses forged, unsigned and development-key identities on a service port', async () => {
    const me = `${userUrl}/api/users/me`;
    expect((await fetch(me, { headers: { 'x-phzzk-user-id': userId } })).status).toBe(401);
    // The platform runs on its own key: the public development key signs nothing here.
    expect((await fetch(me, { headers: identityHeaders({ userId }, { key: DEVELOPMENT_SERVICE_KEY }) })).status).toBe(
      401,
    );
    const key = bed.platform.credentials['security.service-keys'] ?? '';
    const real = await fetch(me, { headers: identityHeaders({ userId }, { key }) });
    expect(real.status).toBe(200);
    // Through the gateway the caller's token is all it takes.
    expect((await bed.streamer.api.get('/api/users/me')).status).toBe(200);
  });

  it('needs a service credential on /internal, on the service port too, whatever the spelling', async () => {
    for (const target of [`/internal/accounts/${userId}`, `/%69nternal/accounts/${userId}`]) {
      const res = await raw(userUrl, target);
      expect(res.status, target).toBe(401);
      expect(res.text).toContain('INTERNAL_AUTH_REQUIRED');
    }
    const key = bed.platform.credentials['security.service-keys'] ?? '';
    const privateKey = (service: string) => bed.platform.credentials[`security.service-private-key.${service}`] ?? '';
    const path = `/internal/accounts/${userId}`;
    const asAuth = await raw(
      userUrl,
      path,
      internalCallHeaders('GET', path, { service: 'auth', privateKey: privateKey('auth') }),
    );
    expect(asAuth.status).toBe(200);
    // Another service's credential is not enough for the account API.
    const asIngest = await raw(
      userUrl,
      path,
      internalCallHeaders('GET', path, { service: 'ingest', privateKey: privateKey('ingest') }),
    );
    expect(asIngest.status).toBe(403);
    // Nor can another service's key sign for auth, nor the shared key, nor the development pair.
    const chatAsAuth = await raw(
      userUrl,
      path,
      internalCallHeaders('GET', path, { service: 'auth', privateKey: privateKey('chat') }),
    );
    expect(chatAsAuth.status).toBe(401);
    const sharedAsAuth = await raw(userUrl, path, signedHeaders(key, { service: 'auth' }, { method: 'GET', path }));
    expect(sharedAsAuth.status).toBe(401);
    expect((await raw(userUrl, path, internalCallHeaders('GET', path, { service: 'auth' }))).status).toBe(401);
    const keyCheck = await new ApiClient(channelUrl).post('/internal/stream-keys/authorize', {
      streamKey: bed.streamer.streamKey,
    });
    expect(keyCheck.status).toBe(401);
  });
});

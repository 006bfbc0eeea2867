import { request } from 'node:http';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { BaseConfig } from '../config/base-config.ts';
import { StaticDiscovery } from '../discovery/static-discovery.ts';
import { identityHeaders } from '../http/caller.ts';
import { newServiceKeyPair } from '../http/service-keys.ts';
import { internalCallHeaders } from '../http/service-trust.ts';
import { type ServiceDefinition, startService } from './start-service.ts';

function slowService(
  release: Promise<void>,
  closed: string[],
  entered: () => void = () => {},
): ServiceDefinition<ReturnType<typeof schema>> {
  return {
    name: 'slow',
    version: '0.0.1',
    configSchema: schema(),
    async build(ctx) {
      ctx.lifecycle.onClose('pool', () => {
        closed.push('pool');
      });
      ctx.lifecycle.onClose('consumer', () => {
        closed.push('consumer');
      });
      const app = ctx.createApp();
      app.get('/slow', async () => {
        entered();
        await release;
        return { done: true };
      });
      return app;
    },
  };
}
const schema = () => Type.Object({ ...BaseConfig });

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('startService', () => {
  it('registers, and on stop deregisters first, drains in-flight requests, then closes resources in reverse', async () => {
    let releaseSlow!: () => void;
    const release = new Promise<void>((r) => (releaseSlow = r));
    const closed: string[] = [];
    let enteredSlow!: () => void;
    const entered = new Promise<void>((r) => (enteredSlow = r));
    const discovery = new StaticDiscovery([]);
    const running = await startService(slowService(release, closed, enteredSlow), {
      env: { LOG_LEVEL: 'silent', SERVER_PORT: '0' },
      discovery,
    });
    expect(discovery.instances('slow')).toHaveLength(1);
    expect((await get(`${running.url}/health`)).status).toBe(200);

    const inFlight = get(`${running.url}/slow`);
    await entered; // the request is really being handled when the stop begins
    const stopped = running.stop();
    await new Promise((r) => setImmediate(r));
    expect(discovery.instances('slow')).toHaveLength(0);
    expect(closed).toEqual([]);
    releaseSlow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ done: true });
    await stopped;
    expect(closed).toEqual(['consumer', 'pool']);
    await expect(get(`${running.url}/health`)).rejects.toThrow();
  });

  it('refuses to start with a bad configuration value, naming the key', async () => {
    await expect(
      startService(slowService(Promise.resolve(), []), { env: { SERVER_PORT: 'abc', LOG_LEVEL: 'silent' } }),
    ).rejects.toThrow(/server\.port.*SERVER_PORT/);
    await expect(
      startService(slowService(Promise.resolve(), []), { env: { DISCOVERY_MODE: 'zookeeper', LOG_LEVEL: 'silent' } }),
    ).rejects.toThrow(/discovery\.mode/);
  });

  it('needs service keys outside the development profiles, and then refuses the development key', async () => {
    const env = { CONFIG_PROFILE: 'prod', LOG_LEVEL: 'silent' };
    await expect(startService(slowService(Promise.resolve(), []), { env })).rejects.toThrow(
      /security\.service-keys \(SECURITY_SERVICE_KEYS\) must be set in the "prod" profile/,
    );
    const key = 'a-real-service-key-for-this-test-0123456789';
    // The shared key alone is not enough: /internal calls need this service's own key pair.
    await expect(
      startService(slowService(Promise.resolve(), []), { env: { ...env, SECURITY_SERVICE_KEYS: key } }),
    ).rejects.toThrow(/SECURITY_SERVICE_PRIVATE_KEY.*SECURITY_SERVICE_PUBLIC_KEYS.*must be set in the "prod" profile/);
    const own = newServiceKeyPair();
    const name = slowService(Promise.resolve(), []).name;
    const running = await startService(slowService(Promise.resolve(), []), {
      env: {
        ...env,
        SECURITY_SERVICE_KEYS: key,
        SECURITY_SERVICE_PRIVATE_KEY: own.privateKey,
        SECURITY_SERVICE_PUBLIC_KEYS: JSON.stringify({ [name]: own.publicKey }),
      },
      discovery: new StaticDiscovery([]),
    });
    try {
      expect(running.context.trust.development).toBe(false);
      expect(running.context.trust.serviceKeys.development).toBe(false);
      // Its own calls verify with its configured public key; the development pair of its name does not.
      const signed = running.context.trust.internalHeaders('GET', '/internal/x');
      expect(running.context.trust.verify(signed, 'GET', '/internal/x').ok).toBe(true);
      expect(
        running.context.trust.verify(internalCallHeaders('GET', '/internal/x', { service: name }), 'GET', '/internal/x')
          .ok,
      ).toBe(false);
      const asUser = (k?: string) =>
        running.app.inject({
          url: '/slow',
          headers: identityHeaders({ userId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }, k ? { key: k } : {}),
        });
      expect((await asUser()).statusCode).toBe(401);
      expect((await asUser(key)).statusCode).toBe(200);
    } finally {
      await running.stop();
    }
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscovery } from './create-discovery.ts';
import { EurekaDiscovery } from './eureka-discovery.ts';

/**
 * A plain Eureka server as far as clients can tell: register, renew, cancel, `/apps`,
 * `/apps/delta`, and no watch endpoint (404), so the client must fall back to polling.
 */
async function plainEureka() {
  const instances = new Map<string, Record<string, unknown>>();
  const changes: Record<string, unknown>[] = [];
  const requests: string[] = [];
  let wrongHashOnce = false;
  const hash = () => (instances.size ? `UP_${instances.size}_` : '');
  const servedHash = () => {
    if (!wrongHashOnce) return hash();
    wrongHashOnce = false;
    return 'UP_99_';
  };
  const apps = (list: Record<string, unknown>[]) => ({
    applications: {
      versions__delta: '1',
      apps__hashcode: servedHash(),
      application: [{ name: 'X', instance: list }],
    },
  });
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      requests.push(`${req.method} ${path}`);
      const [, , , app, id] = path.split('/'); // /eureka/apps/{app}/{id}
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, json ? { 'content-type': 'application/json' } : {});
        res.end(json ? JSON.stringify(json) : undefined);
      };
      if (req.method === 'POST' && app) {
        const instance = JSON.parse(body).instance;
        instances.set(instance.instanceId, instance);
        changes.push({ ...instance, actionType: 'ADDED' });
        return send(204);
      }
      if (req.method === 'PUT' && id) return send(instances.has(decodeURIComponent(id)) ? 200 : 404);
      if (req.method === 'DELETE' && id) {
        const gone = instances.get(decodeURIComponent(id));
        if (!gone) return send(404);
        instances.delete(decodeURIComponent(id));
        changes.push({ ...gone, actionType: 'DELETED' });
        return send(200);
      }
      if (path === '/eureka/apps') return send(200, apps([...instances.values()]));
      if (path === '/eureka/apps/delta') return send(200, apps(changes));
      return send(404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/eureka`;
  return {
    url,
    instances,
    requests,
    add(id: string) {
      const instance = {
        instanceId: id,
        app: 'OTHER',
        hostName: '10.0.0.9',
        ipAddr: '10.0.0.9',
        status: 'UP',
        port: { $: 9, '@enabled': 'true' },
      };
      instances.set(id, instance);
      changes.push({ ...instance, actionType: 'ADDED' });
    },
    forget: (id: string) => instances.delete(id),
    breakNextHash: () => (wrongHashOnce = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const self = {
  serviceId: 'user',
  instanceId: 'user-1',
  host: '127.0.0.1',
  port: 4001,
  status: 'UP' as const,
  metadata: {},
};
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('EurekaDiscovery against a plain Eureka server', () => {
  it('fails over past a dead node, polls /apps/delta when there is no watch, re-registers on 404, deregisters', async () => {
    const eureka = await plainEureka();
    cleanups.push(eureka.close);
    const client = new EurekaDiscovery({
      urls: `http://127.0.0.1:9/eureka, ${eureka.url}`,
      pollIntervalMs: 50,
      renewalIntervalMs: 100,
    });
    cleanups.unshift(() => client.close());

    await client.register(self);
    expect(eureka.instances.has('user-1')).toBe(true);
    expect(await client.ready()).toBe(true);
    expect(client.transport).toBe('poll');
    expect(client.instances('user').map((i) => i.instanceId)).toEqual(['user-1']);

    const seen: string[] = [];
    client.watch((id, list) => seen.push(`${id}:${list.length}`));
    eureka.add('other-1');
    await expect.poll(() => client.instances('other').length).toBe(1);
    expect(seen).toContain('other:1');
    expect(client.healthy()).toBe(true);

    // A delta whose hash does not match the view makes the client fetch everything again.
    const fullFetches = () => eureka.requests.filter((r) => r === 'GET /eureka/apps').length;
    const before = fullFetches();
    eureka.breakNextHash();
    await expect.poll(fullFetches).toBeGreaterThan(before);

    // The server forgot us: the next renewal gets 404 and we register again.
    eureka.forget('user-1');
    await expect.poll(() => eureka.instances.has('user-1')).toBe(true);
    expect(eureka.requests.filter((r) => r === 'POST /eureka/apps/USER').length).toBe(2);

    await client.deregister();
    expect(eureka.requests.at(-1)).toBe('DELETE /eureka/apps/USER/user-1');
    expect(eureka.instances.has('user-1')).toBe(false);
    expect(client.instances('user')).toEqual([]);
  });

  it('renews at its interval and stops renewing after deregister', async () => {
    const eureka = await plainEureka();
    cleanups.push(eureka.close);
    const client = new EurekaDiscovery({ urls: eureka.url, renewalIntervalMs: 50, watch: false });
    // A second instance renewing at the same pace shows time passing without a fixed sleep.
    const control = new EurekaDiscovery({ urls: eureka.url, renewalIntervalMs: 50, watch: false });
    cleanups.unshift(
      () => client.close(),
      () => control.close(),
    );
    const renewals = (id: string) => eureka.requests.filter((r) => r === `PUT /eureka/apps/USER/${id}`).length;
    await client.register(self);
    await control.register({ ...self, instanceId: 'control' });
    await expect.poll(() => renewals('user-1')).toBeGreaterThanOrEqual(3);
    await client.deregister();
    const after = renewals('user-1');
    const controlAfter = renewals('control');
    await expect.poll(() => renewals('control')).toBeGreaterThanOrEqual(controlAfter + 3);
    expect(renewals('user-1')).toBe(after);
  });

  it('is built by createDiscovery for mode eureka, with a comma-separated URL list', async () => {
    const discovery = createDiscovery({
      mode: 'eureka',
      staticInstances: '',
      eurekaUrl: 'http://127.0.0.1:9/eureka,http://127.0.0.1:10/eureka/',
    });
    expect(discovery.mode).toBe('eureka');
    expect(discovery.healthy()).toBe(false);
    await discovery.close();
    expect(() => new EurekaDiscovery({ urls: ' , ' })).toThrow(/no discovery URL/);
  });
});

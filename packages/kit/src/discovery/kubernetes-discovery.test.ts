import { describe, expect, it } from 'vitest';
import { createDiscovery } from './create-discovery.ts';
import {
  type DnsResolver,
  KubernetesDiscovery,
  resolveKubernetesService,
  serviceHostname,
} from './kubernetes-discovery.ts';

const notFound = (name: string) => Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });

/** A resolver answering from tables, recording what it was asked. */
function fakeResolver(
  srv: Record<string, { name: string; port: number; priority?: number; weight?: number }[]>,
  a: Record<string, string[]>,
) {
  const asked: string[] = [];
  const resolver: DnsResolver = {
    async resolveSrv(name) {
      asked.push(`SRV ${name}`);
      const records = srv[name];
      if (!records) throw notFound(name);
      return records.map((r) => ({ priority: 10, weight: 10, ...r }));
    },
    async resolve4(name) {
      asked.push(`A ${name}`);
      const records = a[name];
      if (!records) throw notFound(name);
      return records;
    },
  };
  return { resolver, asked };
}

describe('Kubernetes DNS discovery', () => {
  it('names services as cluster DNS does', () => {
    expect(serviceHostname('user', 'phzzk')).toBe('user.phzzk.svc.cluster.local');
    expect(serviceHostname('user', 'phzzk', 'example.org')).toBe('user.phzzk.svc.example.org');
    expect(serviceHostname('user', undefined)).toBe('user');
  });

  it('uses the SRV record of the http port: one instance per pod of a headless service', async () => {
    const { resolver, asked } = fakeResolver(
      {
        '_http._tcp.user.phzzk.svc.cluster.local': [
          { name: 'pod-b.user.phzzk.svc.cluster.local', port: 8080 },
          { name: 'pod-a.user.phzzk.svc.cluster.local', port: 8080 },
        ],
      },
      { 'pod-a.user.phzzk.svc.cluster.local': ['10.1.0.1'], 'pod-b.user.phzzk.svc.cluster.local': ['10.1.0.2'] },
    );
    const instances = await resolveKubernetesService('user', resolver, { namespace: 'phzzk' });
    expect(instances.map((i) => `${i.host}:${i.port}`)).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
    expect(instances[0]).toMatchObject({ serviceId: 'user', status: 'UP', instanceId: 'user@10.1.0.1:8080' });
    expect(asked[0]).toBe('SRV _http._tcp.user.phzzk.svc.cluster.local');
    // A configured port wins over the SRV port.
    const fixed = await resolveKubernetesService('user', resolver, { namespace: 'phzzk', port: 9000 });
    expect(fixed.map((i) => i.port)).toEqual([9000, 9000]);
  });

  it('falls back to A records with the configured port, and to an empty list for an unknown service', async () => {
    const { resolver } = fakeResolver({}, { 'chat.phzzk.svc.cluster.local': ['10.96.0.20'] });
    expect(await resolveKubernetesService('chat', resolver, { namespace: 'phzzk', port: 8080 })).toMatchObject([
      { host: '10.96.0.20', port: 8080 },
    ]);
    expect((await resolveKubernetesService('chat', resolver, { namespace: 'phzzk' }))[0]?.port).toBe(80);
    expect(await resolveKubernetesService('nope', resolver, { namespace: 'phzzk' })).toEqual([]);
  });

  it('answers instances() from its cache, resolves in the background, keeps the last answer through DNS failures', async () => {
    let pods = ['10.1.0.1'];
    let broken = false;
    const resolver: DnsResolver = {
      async resolveSrv(name) {
        throw notFound(name);
      },
      async resolve4(name) {
        if (broken) throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
        if (name !== 'user.phzzk.svc.cluster.local') throw notFound(name);
        return pods;
      },
    };
    const discovery = new KubernetesDiscovery({ namespace: 'phzzk', port: 8080, resolver, refreshIntervalMs: 20 });
    const changes: string[] = [];
    discovery.watch((id, instances) => changes.push(`${id}:${instances.map((i) => i.host).join(',')}`));
    expect(discovery.instances('user')).toEqual([]); // first ask: resolved in the background
    await expect.poll(() => discovery.instances('user').length).toBe(1);
    pods = ['10.1.0.1', '10.1.0.2'];
    await expect.poll(() => discovery.instances('user').length).toBe(2);
    expect(changes).toEqual(['user:10.1.0.1', 'user:10.1.0.1,10.1.0.2']);
    broken = true;
    await expect(discovery.resolve('user')).rejects.toThrow(/timeout/);
    expect(discovery.healthy()).toBe(false);
    expect(discovery.instances('user')).toHaveLength(2);
    broken = false;
    await discovery.resolve('user');
    expect(discovery.healthy()).toBe(true);
    await discovery.register();
    await discovery.deregister();
    expect(discovery.services()).toEqual(['user']);
    await discovery.close();
  });

  it('is what createDiscovery builds for mode kubernetes', async () => {
    const discovery = createDiscovery({
      mode: 'kubernetes',
      staticInstances: '',
      eurekaUrl: '',
      kubernetes: { namespace: 'phzzk' },
    });
    expect(discovery.mode).toBe('kubernetes');
    await discovery.close();
  });
});

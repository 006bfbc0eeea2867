import { describe, expect, it } from 'vitest';
import { parseStaticInstances, StaticDiscovery } from './static-discovery.ts';

describe('static discovery', () => {
  it('parses instances per service', () => {
    const list = parseStaticInstances('user=http://127.0.0.1:4001, http://[::1]:4002 ; channel=http://localhost:4100');
    expect(list.map((i) => [i.serviceId, i.host, i.port])).toEqual([
      ['user', '127.0.0.1', 4001],
      ['user', '::1', 4002],
      ['channel', 'localhost', 4100],
    ]);
  });

  it('rejects malformed entries naming them', () => {
    expect(() => parseStaticInstances('user')).toThrow(/bad entry "user"/);
    expect(() => parseStaticInstances('user=not a url')).toThrow(/not a URL/);
    expect(() => parseStaticInstances('Bad Id=http://x:1')).toThrow(/bad entry/);
  });

  it('registers, deregisters and notifies watchers', async () => {
    const discovery = new StaticDiscovery(parseStaticInstances('user=http://127.0.0.1:4001'));
    const events: number[] = [];
    discovery.watch((_id, instances) => events.push(instances.length));
    const self = {
      serviceId: 'user',
      instanceId: 'me',
      host: '127.0.0.1',
      port: 5000,
      status: 'UP' as const,
      metadata: {},
    };
    await discovery.register(self);
    expect(discovery.instances('USER').map((i) => i.port)).toEqual([4001, 5000]);
    await discovery.deregister();
    expect(discovery.instances('user').map((i) => i.port)).toEqual([4001]);
    expect(events).toEqual([2, 1]);
  });
});

import { EurekaDiscovery, type ServiceInstance } from '@phzzk/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Discovery, http, JSON_ACCEPT, startDiscovery, waitFor, withCredentials } from './helpers.ts';

// The kit's EurekaDiscovery against PHZZK discovery: register, renew, watch, deregister.

const self = (serviceId: string, instanceId: string, port: number): ServiceInstance => ({
  serviceId,
  instanceId,
  host: '127.0.0.1',
  port,
  status: 'UP',
  metadata: { version: '1.0.0' },
});

/** What a reader sees: the server adds who registered the instance. */
const withOwner = (i: ServiceInstance): ServiceInstance => ({
  ...i,
  metadata: { ...i.metadata, 'phzzk.registered-by': 'phzzk' },
});

let discovery: Discovery;
let eureka: string;
const clients: EurekaDiscovery[] = [];
const newClient = (options: Partial<ConstructorParameters<typeof EurekaDiscovery>[0]> = {}) => {
  const client = new EurekaDiscovery({ urls: withCredentials(eureka), ...options });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  discovery = await startDiscovery();
  eureka = `${discovery.url}/eureka`;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await discovery.stop();
});

describe('EurekaDiscovery (kit) with PHZZK discovery', () => {
  it('registers with PHZZK leases and URLs, and a watching client sees it pushed, not polled', async () => {
    const watcher = newClient();
    expect(await watcher.ready()).toBe(true);
    expect(watcher.transport).toBe('watch');
    expect(watcher.healthy()).toBe(true);
    const seen: string[] = [];
    watcher.watch((serviceId, instances) => seen.push(`${serviceId}:${instances.length}`));

    const user = newClient();
    await user.register(self('user', 'user-1', 4101));
    const registered = (await http('GET', `${eureka}/apps/USER/user-1`, { headers: JSON_ACCEPT })).json().instance;
    expect(registered).toMatchObject({
      app: 'USER',
      vipAddress: 'user',
      hostName: '127.0.0.1',
      ipAddr: '127.0.0.1',
      port: { $: 4101, '@enabled': 'true' },
      leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 3 },
      dataCenterInfo: { name: 'MyOwn' },
      healthCheckUrl: 'http://127.0.0.1:4101/health',
      statusPageUrl: 'http://127.0.0.1:4101/info',
      homePageUrl: 'http://127.0.0.1:4101/',
      metadata: { version: '1.0.0' },
    });
    await waitFor('the watcher to see user-1', () => watcher.instances('user').length === 1, 2000);
    expect(watcher.instances('USER')[0]).toEqual(withOwner(self('user', 'user-1', 4101)));
    expect(watcher.services()).toContain('user');
    expect(seen).toContain('user:1');

    // Renewals keep it alive past its 3 s lease.
    const firstRenewal = registered.leaseInfo.lastRenewalTimestamp;
    await waitFor(
      'a renewal',
      async () =>
        (await http('GET', `${eureka}/apps/USER/user-1`, { headers: JSON_ACCEPT })).json().instance.leaseInfo
          .lastRenewalTimestamp > firstRenewal,
      3000,
    );

    // Only UP instances are offered.
    await http('PUT', `${eureka}/apps/USER/user-1/status?value=OUT_OF_SERVICE`);
    await waitFor(
      'the watcher to drop the out-of-service instance',
      () => watcher.instances('user').length === 0,
      2000,
    );
    await http('DELETE', `${eureka}/apps/USER/user-1/status?value=UP`);
    await waitFor('the instance back', () => watcher.instances('user').length === 1, 2000);

    await user.deregister();
    expect(user.instances('user')).toEqual([]);
    await waitFor('the watcher to see user-1 gone', () => watcher.instances('user').length === 0, 2000);
    expect((await http('GET', `${eureka}/apps/USER`, { headers: JSON_ACCEPT })).status).toBe(404);
  });

  it('registers again when the server no longer knows it (404 on renew)', async () => {
    const chat = newClient();
    await chat.register(self('chat', 'chat-1', 4102));
    expect((await http('DELETE', `${eureka}/apps/CHAT/chat-1`)).status).toBe(200);
    await waitFor(
      'chat-1 registered again',
      async () => (await http('GET', `${eureka}/apps/CHAT/chat-1`)).status === 200,
      3000,
    );
    await chat.deregister();
  });

  it('polls /apps/delta when asked not to watch, with the same view', async () => {
    const poller = newClient({ watch: false, pollIntervalMs: 100 });
    expect(await poller.ready()).toBe(true);
    expect(poller.transport).toBe('poll');
    const auth = newClient();
    await auth.register(self('auth', 'auth-1', 4103));
    await waitFor('the poller to see auth-1', () => poller.instances('auth').length === 1, 2000);
    await auth.deregister();
    await waitFor('the poller to see auth-1 gone', () => poller.instances('auth').length === 0, 2000);
    expect(poller.healthy()).toBe(true);
  });

  it('is unhealthy, not failing, while no discovery node answers', async () => {
    const lonely = newClient({ urls: 'http://127.0.0.1:9/eureka' });
    await lonely.register(self('lonely', 'lonely-1', 4104));
    expect(await lonely.ready(300)).toBe(false);
    expect(lonely.healthy()).toBe(false);
    expect(lonely.instances('lonely')).toEqual([]);
    await lonely.close();
  });
});

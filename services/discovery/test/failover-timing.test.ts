import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { EurekaDiscovery } from '@phzzk/kit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Discovery,
  freePort,
  http,
  JSON_ACCEPT,
  startDiscovery,
  waitFor,
  PLATFORM,
  withCredentials,
} from './helpers.ts';

// Failover measured with real processes killed with SIGKILL: a registered service (how long until
// it is evicted and watchers know), and a discovery node (the other node carries on).

const child = fileURLToPath(new URL('./fixtures/registered-child.ts', import.meta.url));
const discoveryMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const processes: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  const proc = spawn(process.execPath, args, {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      DISCOVERY_SECURITY_USERNAME: PLATFORM.username,
      DISCOVERY_SECURITY_PASSWORD: PLATFORM.password,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  processes.push(proc);
  return proc;
}

async function waitForLine(proc: ChildProcess, line: string): Promise<void> {
  let out = '';
  const stdout = proc.stdout!;
  await Promise.race([
    new Promise<void>((resolve) =>
      stdout.on('data', (d) => {
        out += d;
        if (out.includes(line)) resolve();
      }),
    ),
    once(proc, 'exit').then(([code]) => {
      throw new Error(`child exited (${code}) before "${line}"`);
    }),
  ]);
}

function kill9(proc: ChildProcess): number {
  proc.kill('SIGKILL');
  return Date.now();
}

afterEach(async () => {
  for (const proc of processes.splice(0)) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('failover timing', () => {
  it('evicts a kill -9ed service within lease + 1 s, and a watching client sees it gone at once', async () => {
    const discovery: Discovery = await startDiscovery();
    cleanups.push(() => discovery.stop());
    const eureka = `${discovery.url}/eureka`;
    const watcher = new EurekaDiscovery({ urls: withCredentials(eureka) });
    cleanups.unshift(() => watcher.close());
    let seenGoneAt = 0;
    watcher.watch((serviceId, instances) => {
      if (serviceId === 'victim' && instances.length === 0) seenGoneAt ||= Date.now();
    });

    const victim = run([child, withCredentials(eureka), 'victim', 'victim-1']);
    await waitForLine(victim, 'registered');
    await waitFor('the watcher to see the victim', () => watcher.instances('victim').length === 1);
    // Let it renew at least once so the last renewal is a real one, not the registration.
    const registeredAt = (await http('GET', `${eureka}/apps/VICTIM/victim-1`, { headers: JSON_ACCEPT })).json().instance
      .leaseInfo.registrationTimestamp;
    await waitFor('a renewal', async () => {
      const res = await http('GET', `${eureka}/apps/VICTIM/victim-1`, { headers: JSON_ACCEPT });
      return res.json().instance.leaseInfo.lastRenewalTimestamp > registeredAt;
    });

    const killedAt = kill9(victim);
    const evictedAt = await waitFor(
      'the eviction',
      async () => ((await http('GET', `${eureka}/apps/VICTIM/victim-1`)).status === 404 ? Date.now() : 0),
      8000,
      10,
    );
    await waitFor('the watcher to see the victim gone', () => seenGoneAt, 2000, 5);
    const lease = 3000;
    console.info(
      `[failover] kill -9 -> evicted: ${evictedAt - killedAt} ms; kill -9 -> watcher saw it gone: ${seenGoneAt - killedAt} ms ` +
        `(lease ${lease} ms, eviction every 500 ms, renewals every 1000 ms)`,
    );
    expect(evictedAt - killedAt).toBeLessThan(lease + 1000);
    expect(seenGoneAt - killedAt).toBeLessThan(lease + 1000);
    expect(seenGoneAt - evictedAt).toBeLessThan(250);
  });

  it('keeps the registry when a discovery node is kill -9ed: renewals and watchers move to the other node', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const urlA = `http://127.0.0.1:${portA}/eureka`;
    const urlB = `http://127.0.0.1:${portB}/eureka`;
    const nodeA = run([discoveryMain], { SERVER_PORT: String(portA), DISCOVERY_PEERS: urlB });
    const nodeB: Discovery = await startDiscovery({ SERVER_PORT: String(portB), DISCOVERY_PEERS: urlA });
    cleanups.push(() => nodeB.stop());
    await waitFor(
      'node A to serve',
      async () => (await http('GET', `${urlA}/apps`).catch(() => ({ status: 0 }))).status === 200,
    );

    const service = new EurekaDiscovery({ urls: [withCredentials(urlA), withCredentials(urlB)] });
    const watcher = new EurekaDiscovery({ urls: [withCredentials(urlA), withCredentials(urlB)] });
    cleanups.unshift(
      () => service.close(),
      () => watcher.close(),
    );
    await service.register({
      serviceId: 'steady',
      instanceId: 'steady-1',
      host: '127.0.0.1',
      port: 7100,
      status: 'UP',
      metadata: {},
    });
    await waitFor(
      'steady-1 replicated to B',
      async () => (await http('GET', `${urlB}/apps/STEADY/steady-1`)).status === 200,
    );
    await waitFor('the watcher (on A) to see steady-1', () => watcher.instances('steady').length === 1);

    const killedAt = kill9(nodeA);
    // A change made on B right away: the watcher sees it once it has moved over to B.
    await http('POST', `${urlB}/apps/STEADY`, {
      body: {
        instance: {
          instanceId: 'steady-2',
          hostName: '127.0.0.1',
          app: 'STEADY',
          ipAddr: '127.0.0.1',
          port: { $: 7101, '@enabled': 'true' },
          dataCenterInfo: { name: 'MyOwn' },
          leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90 },
        },
      },
    });
    const watcherOnBAt = await waitFor(
      'the watcher to see a change made on B',
      () => (watcher.instances('steady').length === 2 ? Date.now() : 0),
      5000,
      5,
    );
    const renewedOnBAt = await waitFor(
      'a renewal sent to B after the kill',
      async () => {
        const res = await http('GET', `${urlB}/apps/STEADY/steady-1`, { headers: JSON_ACCEPT });
        return res.status === 200 && res.json().instance.leaseInfo.lastRenewalTimestamp > killedAt ? Date.now() : 0;
      },
      5000,
      10,
    );
    console.info(
      `[failover] discovery node kill -9 -> first renewal on the other node: ${renewedOnBAt - killedAt} ms; ` +
        `-> watcher following the other node (change seen): ${watcherOnBAt - killedAt} ms`,
    );
    // Past the lease: the instance was never evicted on B, and it still renews there.
    await waitFor(
      'a renewal on B more than a lease after the kill',
      async () => {
        const res = await http('GET', `${urlB}/apps/STEADY/steady-1`, { headers: JSON_ACCEPT });
        expect(res.status).toBe(200);
        return res.json().instance.leaseInfo.lastRenewalTimestamp > killedAt + 4000;
      },
      8000,
      100,
    );
    expect(
      watcher
        .instances('steady')
        .map((i) => i.instanceId)
        .sort(),
    ).toEqual(['steady-1', 'steady-2']);
    expect(watcher.healthy()).toBe(true);
    expect(renewedOnBAt - killedAt).toBeLessThan(2000);
    expect(watcherOnBAt - killedAt).toBeLessThan(1000);
  });
});

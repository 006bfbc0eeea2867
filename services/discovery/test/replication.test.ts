import { EurekaDiscovery } from '@phzzk/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Discovery,
  freePort,
  http,
  JSON_ACCEPT,
  registration,
  startDiscovery,
  waitFor,
  withCredentials,
} from './helpers.ts';

// Two discovery nodes that name each other as peers, in one test process.

let a: Discovery;
let b: Discovery;
let c: Discovery | undefined;
let urlA: string;
let urlB: string;
const clients: EurekaDiscovery[] = [];

const instanceOn = async (eureka: string, app: string, id: string) => {
  const res = await http('GET', `${eureka}/apps/${app}/${id}`, { headers: JSON_ACCEPT });
  return res.status === 200 ? res.json().instance : undefined;
};

beforeAll(async () => {
  const [portA, portB] = [await freePort(), await freePort()];
  urlA = `http://127.0.0.1:${portA}/eureka`;
  urlB = `http://127.0.0.1:${portB}/eureka`;
  // A starts first: its sync from B finds nobody and it starts empty.
  a = await startDiscovery({ SERVER_PORT: String(portA), DISCOVERY_PEERS: urlB });
  b = await startDiscovery({ SERVER_PORT: String(portB), DISCOVERY_PEERS: urlA });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all([a.stop(), b.stop(), c?.stop()]);
});

describe('peer replication', () => {
  it('replicates register, heartbeat, status override, metadata and cancel', async () => {
    expect((await http('POST', `${urlA}/apps/REPL`, { body: registration('repl', 'r-1', 8001) })).status).toBe(204);
    const onB = await waitFor('r-1 on B', () => instanceOn(urlB, 'REPL', 'r-1'));
    expect(onB).toMatchObject({ port: { $: 8001 }, leaseInfo: { durationInSecs: 3 } });

    const renewedBefore = onB.leaseInfo.lastRenewalTimestamp;
    await waitFor('a later clock tick', () => Date.now() > renewedBefore);
    await http('PUT', `${urlA}/apps/REPL/r-1`);
    await waitFor(
      'the heartbeat on B',
      async () => (await instanceOn(urlB, 'REPL', 'r-1')).leaseInfo.lastRenewalTimestamp > renewedBefore,
    );

    await http('PUT', `${urlA}/apps/REPL/r-1/status?value=OUT_OF_SERVICE`);
    await waitFor('the override on B', async () => (await instanceOn(urlB, 'REPL', 'r-1')).status === 'OUT_OF_SERVICE');
    await http('DELETE', `${urlA}/apps/REPL/r-1/status?value=UP`);
    await waitFor(
      'the override gone on B',
      async () => (await instanceOn(urlB, 'REPL', 'r-1')).overriddenStatus === 'UNKNOWN',
    );
    await http('PUT', `${urlB}/apps/REPL/r-1/metadata?zone=b`);
    await waitFor(
      'the metadata on A (replication goes both ways)',
      async () => (await instanceOn(urlA, 'REPL', 'r-1')).metadata.zone === 'b',
    );

    await http('DELETE', `${urlA}/apps/REPL/r-1`);
    await waitFor('r-1 gone from B', async () => !(await instanceOn(urlB, 'REPL', 'r-1')));
  });

  it('does not replicate what a peer replicated (x-netflix-discovery-replication)', async () => {
    const headers = { 'x-netflix-discovery-replication': 'true' };
    await http('POST', `${urlA}/apps/REPL`, { body: registration('repl', 'from-peer', 8002), headers });
    // A's queue to B is in order: once the next client registration reached B, the first would have too.
    await http('POST', `${urlA}/apps/REPL`, { body: registration('repl', 'from-client', 8003) });
    await waitFor('from-client on B', () => instanceOn(urlB, 'REPL', 'from-client'));
    expect(await instanceOn(urlB, 'REPL', 'from-peer')).toBeUndefined();
  });

  it('takes batches larger than the client body limit, answering each item', async () => {
    const replicationList = Array.from({ length: 300 }, (_, i) => ({
      appName: 'BULK',
      id: `bulk-${i}`,
      action: 'Register',
      instanceInfo: registration('bulk', `bulk-${i}`, 9000 + i, { metadata: { padding: 'x'.repeat(200) } }).instance,
    }));
    replicationList.push({ appName: 'BULK', id: 'missing', action: 'Heartbeat' } as never);
    const res = await http('POST', `${urlB}/peerreplication/batch`, {
      body: { replicationList },
      headers: { 'x-netflix-discovery-replication': 'true' },
    });
    expect(res.status).toBe(200);
    const codes = res.json().responseList.map((r: { statusCode: number }) => r.statusCode);
    expect(codes.slice(0, 300).every((c: number) => c === 204)).toBe(true);
    expect(codes[300]).toBe(404);
    expect((await http('GET', `${urlB}/apps/BULK`, { headers: JSON_ACCEPT })).json().application.instance).toHaveLength(
      300,
    );
    const cancels = replicationList.slice(0, 300).map(({ appName, id }) => ({ appName, id, action: 'Cancel' }));
    const cancelled = await http('POST', `${urlB}/peerreplication/batch`, { body: { replicationList: cancels } });
    expect(cancelled.json().responseList.every((r: { statusCode: number }) => r.statusCode === 200)).toBe(true);
    expect((await http('GET', `${urlB}/apps/BULK`)).status).toBe(404);
  });

  it('lets a node that starts sync the registry from a peer', async () => {
    await http('POST', `${urlA}/apps/SYNC`, { body: registration('sync', 's-1', 8004) });
    c = await startDiscovery({ DISCOVERY_PEERS: `http://127.0.0.1:9/eureka,${urlA}` });
    // Present as soon as the node listens: synced before it started serving.
    expect(await instanceOn(`${c.url}/eureka`, 'SYNC', 's-1')).toMatchObject({ port: { $: 8004 } });
    await c.stop();
    c = undefined;
  });

  it('keeps serving when one node dies: clients fail over, renew on the other, and watchers follow', async () => {
    const service = new EurekaDiscovery({ urls: [withCredentials(urlA), withCredentials(urlB)] });
    const watcher = new EurekaDiscovery({ urls: [withCredentials(urlA), withCredentials(urlB)] });
    clients.push(service, watcher);
    await service.register({
      serviceId: 'survivor',
      instanceId: 'sv-1',
      host: '127.0.0.1',
      port: 8005,
      status: 'UP',
      metadata: {},
    });
    await waitFor('the watcher to see sv-1', () => watcher.instances('survivor').length === 1);
    await waitFor('sv-1 replicated to B', () => instanceOn(urlB, 'SURVIVOR', 'sv-1'));

    const stopped = Date.now();
    await a.stop();
    // Well past the 3 s lease: sv-1 must still be on B, renewed there directly.
    await waitFor('B to hold renewals that came after A stopped', async () => {
      const onB = await instanceOn(urlB, 'SURVIVOR', 'sv-1');
      return onB && onB.leaseInfo.lastRenewalTimestamp > stopped + 4000;
    });
    expect(watcher.instances('survivor')).toHaveLength(1);
    expect(watcher.transport).toBe('watch');
    expect(watcher.healthy()).toBe(true);
    // And the watcher, now on B, still sees changes pushed.
    await http('POST', `${urlB}/apps/LATE`, { body: registration('late', 'l-1', 8006) });
    await waitFor('the watcher to see a change made on B', () => watcher.instances('late').length === 1, 2000);
  });
});

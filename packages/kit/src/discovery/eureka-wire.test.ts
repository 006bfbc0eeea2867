import { describe, expect, it } from 'vitest';
import { EventStreamParser } from './eureka-event-stream.ts';
import { EurekaView } from './eureka-view.ts';
import { parseApplications, reconcileHashCode, registrationBody } from './eureka-wire.ts';

const wireInstance = (id: string, status = 'UP', actionType?: string) => ({
  instanceId: id,
  hostName: '10.0.0.1',
  app: 'USER',
  ipAddr: '10.0.0.1',
  status,
  port: { $: 8080, '@enabled': 'true' },
  metadata: { '@class': 'java.util.Collections$EmptyMap' },
  ...(actionType ? { actionType } : {}),
});

describe('Eureka wire format (client side)', () => {
  it('writes the registration Eureka servers expect', () => {
    const body = registrationBody(
      { serviceId: 'user', instanceId: 'user-1', host: '127.0.0.1', port: 4001, status: 'UP', metadata: {} },
      { renewalIntervalInSecs: 1, durationInSecs: 3 },
      123,
    );
    expect(body.instance).toMatchObject({
      instanceId: 'user-1',
      app: 'USER',
      hostName: '127.0.0.1',
      ipAddr: '127.0.0.1',
      vipAddress: 'user',
      port: { $: 4001, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 3 },
      healthCheckUrl: 'http://127.0.0.1:4001/health',
      statusPageUrl: 'http://127.0.0.1:4001/info',
      homePageUrl: 'http://127.0.0.1:4001/',
      metadata: { '@class': 'java.util.Collections$EmptyMap' },
      lastDirtyTimestamp: '123',
    });
  });

  it('reads applications whether lists are arrays or single objects, skipping unusable records', () => {
    const parsed = parseApplications({
      applications: {
        versions__delta: 4,
        apps__hashcode: 'UP_2_',
        application: {
          name: 'USER',
          instance: [wireInstance('a'), { ...wireInstance('b'), port: 8081 }, { app: 'USER' }],
        },
      },
    });
    expect(parsed.version).toBe('4');
    expect(parsed.instances.map((i) => [i.instanceId, i.port, i.metadata])).toEqual([
      ['a', 8080, {}],
      ['b', 8081, {}],
    ]);
    expect(() => parseApplications({ nope: 1 })).toThrow(/applications/);
    expect(reconcileHashCode(parsed.instances)).toBe('UP_2_');
  });

  it('keeps a view by snapshots and deltas, UP instances only, and tells which services changed', () => {
    const view = new EurekaView();
    const snapshot = parseApplications({
      applications: { application: [{ instance: [wireInstance('a'), wireInstance('b', 'DOWN')] }] },
    });
    expect([...view.replace(snapshot.instances)]).toEqual(['user']);
    expect(view.instances('USER').map((i) => i.instanceId)).toEqual(['a']);
    expect(view.hashCode()).toBe('DOWN_1_UP_1_');
    const delta = parseApplications({
      applications: {
        application: [{ instance: [wireInstance('b', 'UP', 'MODIFIED'), wireInstance('a', 'UP', 'DELETED')] }],
      },
    });
    expect([...view.apply(delta.instances)]).toEqual(['user']);
    expect(view.instances('user').map((i) => i.instanceId)).toEqual(['b']);
    // A change that leaves the UP list as it was is not reported.
    expect([
      ...view.apply(
        parseApplications({ applications: { application: [{ instance: [wireInstance('c', 'DOWN', 'ADDED')] }] } })
          .instances,
      ),
    ]).toEqual([]);
    expect([...view.remove('USER', 'b')]).toEqual(['user']);
    expect(view.services()).toEqual([]);
  });
});

describe('EventStreamParser', () => {
  it('parses events across chunk boundaries, CRLF, comments and multi-line data', () => {
    const parser = new EventStreamParser();
    expect(parser.feed('retry: 500\n\n: ping\n\nid: n:1\nevent: snap')).toEqual([]);
    expect(parser.feed('shot\ndata: {"a":\ndata: 1}\r')).toEqual([]);
    expect(parser.feed('\n\r\n')).toEqual([{ id: 'n:1', event: 'snapshot', data: '{"a":\n1}' }]);
    expect(parser.feed('data:x\n\ndata: y\n\n')).toEqual([
      { id: 'n:1', event: 'message', data: 'x' },
      { id: 'n:1', event: 'message', data: 'y' },
    ]);
  });
});

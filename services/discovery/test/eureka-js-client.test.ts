import type { EventEmitter } from 'node:events';
import { Eureka } from 'eureka-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthorization } from '@phzzk/kit';
import { type Discovery, http, JSON_ACCEPT, startDiscovery, waitFor, withCredentials } from './helpers.ts';

// The wire format checked against a real third-party Eureka client from npm (eureka-js-client):
// it registers, heartbeats, fetches the full registry and deltas, registers again after a 404,
// and deregisters, all against PHZZK discovery. It writes with HTTP Basic credentials given in its
// service URL (a client credential of its own, from discovery.security.clients).

const JS_CLIENT = { username: 'jsclient', password: 'js-client-password' };

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function client(discovery: Discovery, app: string, port: number, useDelta: boolean) {
  const url = new URL(discovery.url);
  const eureka = new Eureka({
    logger: silent,
    shouldUseDelta: useDelta,
    instance: {
      app,
      instanceId: `${app}-1`,
      hostName: '127.0.0.1',
      ipAddr: '127.0.0.1',
      port: { $: port, '@enabled': true },
      vipAddress: app,
      statusPageUrl: `http://127.0.0.1:${port}/info`,
      healthCheckUrl: `http://127.0.0.1:${port}/health`,
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 5 },
    } as never,
    eureka: {
      serviceUrls: {
        default: [`${withCredentials(`${url.origin}/eureka/apps/`, JS_CLIENT.username, JS_CLIENT.password)}/`],
      },
      heartbeatInterval: 300,
      registryFetchInterval: 300,
      maxRetries: 0,
    },
  });
  const events: string[] = [];
  for (const name of ['registered', 'heartbeat', 'registryUpdated', 'deregistered']) {
    (eureka as unknown as EventEmitter).on(name, () => events.push(name));
  }
  const start = () => new Promise<void>((resolve, reject) => eureka.start((err) => (err ? reject(err) : resolve())));
  const stop = () => new Promise<void>((resolve, reject) => eureka.stop((err) => (err ? reject(err) : resolve())));
  return { eureka, events, start, stop };
}

let discovery: Discovery;
beforeAll(async () => {
  discovery = await startDiscovery({
    DISCOVERY_SECURITY_CLIENTS: `${JS_CLIENT.username}:${JS_CLIENT.password}`,
  });
});
afterAll(() => discovery.stop());

describe('eureka-js-client against PHZZK discovery', () => {
  it('registers, heartbeats, sees other instances through full fetches and deltas, re-registers on 404, deregisters', async () => {
    const eureka = `${discovery.url}/eureka`;
    // b polls deltas: it fetches the full registry first, then learns about a only from /apps/delta.
    const b = client(discovery, 'jsb', 6002, true);
    await b.start();
    expect(b.events).toContain('registered');
    const a = client(discovery, 'jsa', 6001, false);
    await a.start();

    const registered = (await http('GET', `${eureka}/apps/JSA/jsa-1`, { headers: JSON_ACCEPT })).json().instance;
    expect(registered).toMatchObject({
      app: 'JSA',
      port: { $: 6001, '@enabled': 'true' },
      leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 5 },
      statusPageUrl: 'http://127.0.0.1:6001/info',
      metadata: { 'phzzk.registered-by': 'jsclient' },
    });
    expect(JSON.stringify(registered)).not.toContain(JS_CLIENT.password);

    await waitFor('a heartbeat', () => a.events.includes('heartbeat'));
    const seenByA = await waitFor('a to see b', () => a.eureka.getInstancesByAppId('JSB')[0]);
    expect(seenByA).toMatchObject({ instanceId: 'jsb-1', hostName: '127.0.0.1', port: { $: 6002 } });
    expect(a.eureka.getInstancesByVipAddress('jsb')).toHaveLength(1);
    const seenByB = await waitFor('b to see a through a delta', () => b.eureka.getInstancesByAppId('JSA')[0]);
    expect(seenByB).toMatchObject({ instanceId: 'jsa-1', actionType: 'ADDED' });

    // The server forgets a (as after an eviction): its next heartbeat gets 404 and it registers again.
    const registrations = a.events.filter((e) => e === 'registered').length;
    // Only the credential that registered it may remove it: the platform's own is refused.
    expect((await http('DELETE', `${eureka}/apps/JSA/jsa-1`)).status).toBe(403);
    const asJsClient = { authorization: basicAuthorization(JS_CLIENT.username, JS_CLIENT.password) };
    expect((await http('DELETE', `${eureka}/apps/JSA/jsa-1`, asJsClient)).status).toBe(200);
    await waitFor('a to register again', () => a.events.filter((e) => e === 'registered').length > registrations);
    expect((await http('GET', `${eureka}/apps/JSA/jsa-1`, { headers: JSON_ACCEPT })).status).toBe(200);

    await a.stop();
    expect(a.events).toContain('deregistered');
    expect((await http('GET', `${eureka}/apps/JSA`, { headers: JSON_ACCEPT })).status).toBe(404);
    await waitFor('b to see a gone through a delta', () => b.eureka.getInstancesByAppId('JSA').length === 0);
    await b.stop();
    expect((await http('GET', `${eureka}/apps`, { headers: JSON_ACCEPT })).json().applications.application).toEqual([]);
  });
});

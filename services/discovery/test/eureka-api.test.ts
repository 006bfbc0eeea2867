import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../src/domain/xml-codec.ts';
import { type Discovery, http, JSON_ACCEPT, registration, startDiscovery } from './helpers.ts';

let discovery: Discovery;
let eureka: string;

beforeAll(async () => {
  discovery = await startDiscovery();
  eureka = `${discovery.url}/eureka`;
});
afterAll(() => discovery.stop());

const apps = async (path = '/apps') => (await http('GET', `${eureka}${path}`, { headers: JSON_ACCEPT })).json();

describe('Eureka REST API', () => {
  it('listens on 8761 unless told otherwise', async () => {
    const { DiscoveryConfig } = await import('../src/service.ts');
    expect((DiscoveryConfig.properties['server.port'] as { default?: number }).default).toBe(8761);
    expect(new URL(discovery.url).port).not.toBe('');
  });

  it('registers (204), answers the instance in JSON and XML, renews (200), cancels (200)', async () => {
    // Java clients send the charset along; ids with ':' travel unencoded.
    const body = JSON.stringify(registration('alpha', 'alpha-1', 5001));
    const headers = { 'content-type': 'application/json;charset=UTF-8' };
    expect((await http('POST', `${eureka}/apps/ALPHA`, { body, headers })).status).toBe(204);
    const colonId = '127.0.0.1:alpha:5009';
    expect((await http('POST', `${eureka}/apps/ALPHA`, { body: registration('alpha', colonId, 5009) })).status).toBe(
      204,
    );
    expect((await http('GET', `${eureka}/apps/ALPHA/${colonId}`, { headers: JSON_ACCEPT })).status).toBe(200);
    expect((await http('DELETE', `${eureka}/apps/ALPHA/${colonId}`)).status).toBe(200);

    const json = await http('GET', `${eureka}/apps/ALPHA/alpha-1`, { headers: JSON_ACCEPT });
    expect(json.status).toBe(200);
    expect(json.contentType).toMatch(/^application\/json/);
    expect(json.json().instance).toMatchObject({
      instanceId: 'alpha-1',
      app: 'ALPHA',
      status: 'UP',
      overriddenStatus: 'UNKNOWN',
      port: { $: 5001, '@enabled': 'true' },
      leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 3, evictionTimestamp: 0 },
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      // The server says who registered it (the credential's user name, never its password).
      metadata: { 'phzzk.registered-by': 'phzzk' },
      isCoordinatingDiscoveryServer: 'false',
      actionType: 'ADDED',
    });
    expect(json.json().instance.lastDirtyTimestamp).toMatch(/^\d+$/);

    // No Accept header: XML, as Eureka answers curl.
    const xml = await http('GET', `${eureka}/apps/alpha/alpha-1`);
    expect(xml.contentType).toMatch(/^application\/xml/);
    expect(xml.text).toContain('<port enabled="true">5001</port>');
    expect(parseXml(xml.text)).toMatchObject({ instance: { instanceId: 'alpha-1', overriddenstatus: 'UNKNOWN' } });

    expect((await http('GET', `${eureka}/instances/alpha-1`, { headers: JSON_ACCEPT })).json().instance.app).toBe(
      'ALPHA',
    );
    expect((await http('PUT', `${eureka}/apps/ALPHA/alpha-1?status=UP&lastDirtyTimestamp=1`)).status).toBe(200);
    expect((await http('DELETE', `${eureka}/apps/ALPHA/alpha-1`)).status).toBe(200);
    expect((await http('DELETE', `${eureka}/apps/ALPHA/alpha-1`)).status).toBe(404);
  });

  it('answers 404 for unknown applications and instances, so clients register again', async () => {
    for (const [method, path] of [
      ['GET', '/apps/NOPE'],
      ['GET', '/apps/NOPE/x'],
      ['GET', '/instances/x'],
      ['PUT', '/apps/NOPE/x'],
      ['DELETE', '/apps/NOPE/x'],
      ['PUT', '/apps/NOPE/x/status?value=DOWN'],
      ['DELETE', '/apps/NOPE/x/status'],
      ['PUT', '/apps/NOPE/x/metadata?a=b'],
    ] as const) {
      const res = await http(method, `${eureka}${path}`, { headers: JSON_ACCEPT });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
    }
  });

  it('registers from XML, as Java clients configured for XML send it', async () => {
    const body = `<instance><instanceId>beta-1</instanceId><hostName>127.0.0.1</hostName><app>BETA</app><ipAddr>127.0.0.1</ipAddr>
      <status>STARTING</status><port enabled="true">5002</port><securePort enabled="false">443</securePort>
      <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo>
      <leaseInfo><renewalIntervalInSecs>1</renewalIntervalInSecs><durationInSecs>3</durationInSecs></leaseInfo>
      <metadata><zone>a&amp;b</zone></metadata><vipAddress>beta</vipAddress></instance>`;
    const res = await http('POST', `${eureka}/apps/BETA`, { body, headers: { 'content-type': 'application/xml' } });
    expect(res.status).toBe(204);
    const instance = (await apps('/apps/BETA')).application.instance[0];
    expect(instance).toMatchObject({ status: 'STARTING', metadata: { zone: 'a&b' }, port: { $: 5002 } });
    expect((await http('GET', `${eureka}/apps/BETA`)).text).toContain('<zone>a&amp;b</zone>');
  });

  it('applies status overrides (PUT/DELETE .../status) over what heartbeats report', async () => {
    await http('POST', `${eureka}/apps/GAMMA`, { body: registration('gamma', 'gamma-1', 5003) });
    expect((await http('PUT', `${eureka}/apps/GAMMA/gamma-1/status?value=OUT_OF_SERVICE`)).status).toBe(200);
    expect((await http('PUT', `${eureka}/apps/GAMMA/gamma-1?status=UP`)).status).toBe(200);
    let instance = (await apps('/apps/GAMMA/gamma-1')).instance;
    expect(instance).toMatchObject({ status: 'OUT_OF_SERVICE', overriddenStatus: 'OUT_OF_SERVICE' });
    expect((await http('DELETE', `${eureka}/apps/GAMMA/gamma-1/status?value=UP`)).status).toBe(200);
    instance = (await apps('/apps/GAMMA/gamma-1')).instance;
    expect(instance).toMatchObject({ status: 'UP', overriddenStatus: 'UNKNOWN' });
    // The heartbeat's own status is honoured when nothing overrides it.
    await http('PUT', `${eureka}/apps/GAMMA/gamma-1?status=DOWN`);
    expect((await apps('/apps/GAMMA/gamma-1')).instance.status).toBe('DOWN');
    // A heartbeat from a client with newer data than ours asks it to register again.
    expect((await http('PUT', `${eureka}/apps/GAMMA/gamma-1?lastDirtyTimestamp=${Date.now() + 60_000}`)).status).toBe(
      404,
    );
  });

  it('updates metadata from query parameters', async () => {
    await http('POST', `${eureka}/apps/DELTA-APP`, {
      body: registration('delta-app', 'd-1', 5004, { metadata: { zone: 'a' } }),
    });
    expect((await http('PUT', `${eureka}/apps/DELTA-APP/d-1/metadata?weight=5&zone=b`)).status).toBe(200);
    expect((await apps('/apps/DELTA-APP/d-1')).instance.metadata).toEqual({
      zone: 'b',
      weight: '5',
      'phzzk.registered-by': 'phzzk',
    });
    expect((await http('PUT', `${eureka}/apps/DELTA-APP/d-1/metadata?bad%20key=1`)).status).toBe(400);
  });

  it('serves the registry, the delta with actionTypes and the reconcile hash, and VIPs', async () => {
    await http('POST', `${eureka}/apps/EPSILON`, {
      body: registration('epsilon', 'e-1', 5005, { vipAddress: 'epsilon,eps', secureVipAddress: 'epsilon-secure' }),
    });
    await http('POST', `${eureka}/apps/EPSILON`, { body: registration('epsilon', 'e-2', 5006) });
    await http('DELETE', `${eureka}/apps/EPSILON/e-2`);
    const full = (await apps()).applications;
    expect(full.versions__delta).toMatch(/^\d+$/);
    expect(full.application.find((a: { name: string }) => a.name === 'EPSILON').instance).toHaveLength(1);
    const statuses = full.application.flatMap((a: { instance: { status: string }[] }) =>
      a.instance.map((i) => i.status),
    );
    const expectedHash = [...new Set<string>(statuses)]
      .sort()
      .map((s) => `${s}_${statuses.filter((x: string) => x === s).length}_`)
      .join('');
    expect(full.apps__hashcode).toBe(expectedHash);

    const delta = (await apps('/apps/delta')).applications;
    const eps = delta.application.find((a: { name: string }) => a.name === 'EPSILON').instance;
    expect(eps.map((i: { instanceId: string; actionType: string }) => [i.instanceId, i.actionType])).toEqual([
      ['e-1', 'ADDED'],
      ['e-2', 'DELETED'],
    ]);
    expect(delta.apps__hashcode).toBe(full.apps__hashcode);

    const vip = (await apps('/vips/eps')).applications.application;
    expect(vip.map((a: { name: string }) => a.name)).toEqual(['EPSILON']);
    expect((await apps('/svips/epsilon-secure')).applications.application[0].instance[0].instanceId).toBe('e-1');
    expect((await apps('/vips/none')).applications.application).toEqual([]);
    // /eureka/v2 is the same API (the path Netflix's own server uses).
    expect((await http('GET', `${discovery.url}/eureka/v2/apps/EPSILON`, { headers: JSON_ACCEPT })).status).toBe(200);
  });

  it('reports registry size, renewals and self-preservation on /metrics', async () => {
    await http('POST', `${eureka}/apps/ZETA`, { body: registration('zeta', 'z-1', 5007) });
    await http('PUT', `${eureka}/apps/ZETA/z-1`);
    const metrics = (await http('GET', `${discovery.url}/metrics`)).text;
    expect(metrics).toMatch(/^discovery_registry_size\{[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^discovery_renewals_total\{[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^discovery_renewals_last_minute\{[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^discovery_evictions_total\{[^}]*\} \d/m);
    expect(metrics).toMatch(/^discovery_self_preservation_active\{[^}]*\} 0/m);
  });
});

describe('bad input', () => {
  const version = async () => Number((await apps()).applications.versions__delta);

  it('answers malformed registrations with 400 problem+json and changes nothing', async () => {
    const before = await version();
    const cases: [string, unknown, string?][] = [
      ['missing fields', { instance: { app: 'BAD', hostName: 'h' } }],
      ['no envelope', registration('bad', 'b-1', 1).instance],
      ['wrong types', registration('bad', 'b-1', 1, { hostName: 42, port: { $: 'eighty' } })],
      ['bad status', registration('bad', 'b-1', 1, { status: 'SLEEPING' })],
      ['bad instance id', registration('bad', 'a/b', 1)],
      ['app mismatch', registration('other', 'b-1', 1)],
      ['not JSON', '{"instance": {', 'application/json'],
      ['not XML', '<instance><app>BAD</instance>', 'application/xml'],
      ['XML with a DTD', '<!DOCTYPE x [<!ENTITY a "b">]><instance>&a;</instance>', 'application/xml'],
    ];
    for (const [what, body, type] of cases) {
      const res = await http('POST', `${eureka}/apps/BAD`, {
        body,
        ...(type ? { headers: { 'content-type': type } } : {}),
      });
      expect(res.status, what).toBe(400);
      expect(res.contentType, what).toMatch(/^application\/problem\+json/);
      expect(res.json().code, what).toMatch(/^(INVALID_INSTANCE|APP_MISMATCH|MALFORMED_BODY)$/);
    }
    const missing = await http('POST', `${eureka}/apps/BAD`, { body: { instance: { app: 'BAD', hostName: 'h' } } });
    expect(missing.json().errors.map((e: { path: string }) => e.path)).toEqual(['/ipAddr', '/dataCenterInfo', '/port']);
    expect(await version()).toBe(before);
    expect((await http('GET', `${eureka}/apps/BAD`, { headers: JSON_ACCEPT })).status).toBe(404);
  });

  it('refuses bodies over 64 KiB and unknown content types, changing nothing', async () => {
    const before = await version();
    const huge = registration('bad', 'b-1', 1, { metadata: { blob: 'x'.repeat(70 * 1024) } });
    const tooLarge = await http('POST', `${eureka}/apps/BAD`, { body: huge });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json().code).toBe('BODY_TOO_LARGE');
    const text = await http('POST', `${eureka}/apps/BAD`, { body: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(await version()).toBe(before);
  });

  it('rejects bad query values on heartbeats and overrides', async () => {
    await http('POST', `${eureka}/apps/ETA`, { body: registration('eta', 'eta-1', 5008) });
    expect((await http('PUT', `${eureka}/apps/ETA/eta-1?status=SLEEPING`)).status).toBe(400);
    expect((await http('PUT', `${eureka}/apps/ETA/eta-1?lastDirtyTimestamp=yesterday`)).status).toBe(400);
    expect((await http('PUT', `${eureka}/apps/ETA/eta-1/status`)).status).toBe(400);
    expect((await http('PUT', `${eureka}/apps/ETA/eta-1/status?value=BROKEN`)).status).toBe(400);
    // PUT with a JSON content type and no body is what some clients send: accepted.
    expect(
      (await http('PUT', `${eureka}/apps/ETA/eta-1`, { headers: { 'content-type': 'application/json' } })).status,
    ).toBe(200);
  });
});

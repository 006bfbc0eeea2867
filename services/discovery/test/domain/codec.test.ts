import { describe, expect, it } from 'vitest';
import type { RegisteredInstance } from '../../src/domain/instance.ts';
import { encodeApplications } from '../../src/domain/applications-codec.ts';
import { responseFormat } from '../../src/domain/content-negotiation.ts';
import { decodeInstance, encodeInstance, WireError } from '../../src/domain/instance-codec.ts';
import { parseXml, toXml } from '../../src/domain/xml-codec.ts';

// A registration as Spring Cloud's Eureka client (Jackson codec) sends it.
const javaJson = {
  instanceId: '172.18.20.40:eureka-client:8081',
  hostName: '172.18.20.40',
  app: 'EUREKA-CLIENT',
  ipAddr: '172.18.20.40',
  status: 'UP',
  overriddenStatus: 'UNKNOWN',
  port: { $: 8081, '@enabled': 'true' },
  securePort: { $: 443, '@enabled': 'false' },
  countryId: 1,
  dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
  leaseInfo: {
    renewalIntervalInSecs: 3,
    durationInSecs: 10,
    registrationTimestamp: 1561047684923,
    lastRenewalTimestamp: 1561047995666,
    evictionTimestamp: 0,
    serviceUpTimestamp: 1561047684406,
  },
  metadata: { 'management.port': '8081', 'jmx.port': 55091 },
  homePageUrl: 'http://172.18.20.40:8081/',
  statusPageUrl: 'http://172.18.20.40:8081/actuator/info',
  healthCheckUrl: 'http://172.18.20.40:8081/actuator/health',
  vipAddress: 'eureka-client',
  secureVipAddress: 'eureka-client',
  isCoordinatingDiscoveryServer: 'false',
  lastUpdatedTimestamp: '1561047684923',
  lastDirtyTimestamp: '1561047684406',
  actionType: 'ADDED',
  asgName: null,
  sid: 'na',
  someFutureField: { ignored: true },
};

// The same registration as Eureka's XStream XML codec writes it.
const javaXml = `<?xml version="1.0" encoding="UTF-8"?>
<instance>
  <instanceId>172.18.20.40:eureka-client:8081</instanceId>
  <hostName>172.18.20.40</hostName>
  <app>EUREKA-CLIENT</app>
  <ipAddr>172.18.20.40</ipAddr>
  <status>UP</status>
  <overriddenstatus>UNKNOWN</overriddenstatus>
  <port enabled="true">8081</port>
  <securePort enabled="false">443</securePort>
  <countryId>1</countryId>
  <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">
    <name>MyOwn</name>
  </dataCenterInfo>
  <leaseInfo>
    <renewalIntervalInSecs>3</renewalIntervalInSecs>
    <durationInSecs>10</durationInSecs>
    <registrationTimestamp>0</registrationTimestamp>
    <lastRenewalTimestamp>0</lastRenewalTimestamp>
    <evictionTimestamp>0</evictionTimestamp>
    <serviceUpTimestamp>0</serviceUpTimestamp>
  </leaseInfo>
  <metadata>
    <management.port>8081</management.port>
    <jmx.port>55091</jmx.port>
  </metadata>
  <homePageUrl>http://172.18.20.40:8081/</homePageUrl>
  <statusPageUrl>http://172.18.20.40:8081/actuator/info</statusPageUrl>
  <healthCheckUrl>http://172.18.20.40:8081/actuator/health</healthCheckUrl>
  <vipAddress>eureka-client</vipAddress>
  <secureVipAddress>eureka-client</secureVipAddress>
  <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>
  <lastUpdatedTimestamp>1561047684923</lastUpdatedTimestamp>
  <lastDirtyTimestamp>1561047684406</lastDirtyTimestamp>
  <actionType>ADDED</actionType>
</instance>`;

const decodeError = (raw: unknown) => {
  try {
    decodeInstance(raw, 0);
  } catch (error) {
    if (error instanceof WireError) return error.problems.map((p) => `${p.path} ${p.message}`);
    throw error;
  }
  throw new Error('decoded');
};

describe('instance codec', () => {
  it('reads a Java Eureka client registration from JSON and from XML alike', () => {
    const fromJson = decodeInstance(javaJson, 0);
    const fromXml = decodeInstance(parseXml(javaXml).instance, 0);
    expect(fromJson).toMatchObject({
      instanceId: '172.18.20.40:eureka-client:8081',
      app: 'EUREKA-CLIENT',
      status: 'UP',
      overriddenStatus: 'UNKNOWN',
      port: { port: 8081, enabled: true },
      securePort: { port: 443, enabled: false },
      leaseRequest: { renewalIntervalInSecs: 3, durationInSecs: 10 },
      metadata: { 'management.port': '8081', 'jmx.port': '55091' },
      lastDirtyTimestamp: 1561047684406,
      dataCenterInfo: { name: 'MyOwn', className: 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo' },
    });
    expect(fromXml).toEqual(fromJson);
  });

  it('accepts the looser forms third-party clients send', () => {
    const info = decodeInstance(
      {
        hostName: 'svc.local',
        app: 'go-app',
        ipAddr: '10.0.0.1',
        port: '7000', // Go clients send the number as a string
        dataCenterInfo: { name: 'MyOwn' },
        metadata: { '@class': 'java.util.Collections$EmptyMap' },
      },
      42,
    );
    expect(info).toMatchObject({
      instanceId: 'svc.local',
      app: 'GO-APP',
      port: { port: 7000, enabled: true },
      metadata: {},
    });
    expect(info.lastDirtyTimestamp).toBe(42);
  });

  it('lists every problem of a malformed registration', () => {
    expect(decodeError({ app: 'A', port: { $: 'x' }, dataCenterInfo: {} })).toEqual([
      '/hostName is required',
      '/ipAddr is required',
      '/dataCenterInfo/name is required',
      '/port/$ must be an integer',
    ]);
    expect(decodeError({ ...javaJson, hostName: 42, status: 'SLEEPING', port: 70000 })).toEqual([
      '/hostName must be a string',
      '/status must be one of UP, DOWN, STARTING, OUT_OF_SERVICE, UNKNOWN',
      '/port must be between 0 and 65535',
    ]);
    expect(
      decodeError({ ...javaJson, instanceId: 'a/b', metadata: { 'bad key': 'x', __proto__x: 'ok', nested: { a: 1 } } }),
    ).toEqual([
      '/instanceId must not contain whitespace, control characters, / ? # or \\',
      '/metadata/bad key is not a valid metadata key (letters, digits, . _ : -)',
      '/metadata/nested must be a string',
    ]);
    expect(decodeError('nope')).toEqual(['/ must be an object']);
    expect(decodeError({ ...javaJson, port: undefined, dataCenterInfo: { name: 'Mars' } })).toEqual([
      '/dataCenterInfo/name must be one of MyOwn, Amazon, Netflix',
      '/port is required',
    ]);
  });

  it('writes instances in the field order and types of Eureka’s own codec', () => {
    const registered: RegisteredInstance = {
      info: decodeInstance(javaJson, 0),
      lease: {
        renewalIntervalInSecs: 3,
        durationInSecs: 10,
        registrationTimestamp: 1,
        lastRenewalTimestamp: 2,
        evictionTimestamp: 0,
        serviceUpTimestamp: 1,
      },
      actionType: 'ADDED',
    };
    const json = encodeInstance(registered, 'json');
    expect(Object.keys(json)).toEqual([
      'instanceId',
      'hostName',
      'app',
      'ipAddr',
      'status',
      'overriddenStatus',
      'port',
      'securePort',
      'countryId',
      'dataCenterInfo',
      'leaseInfo',
      'metadata',
      'homePageUrl',
      'statusPageUrl',
      'healthCheckUrl',
      'vipAddress',
      'secureVipAddress',
      'isCoordinatingDiscoveryServer',
      'lastUpdatedTimestamp',
      'lastDirtyTimestamp',
      'actionType',
    ]);
    expect(json).toMatchObject({
      port: { $: 8081, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      isCoordinatingDiscoveryServer: 'false',
      lastDirtyTimestamp: '1561047684406',
      countryId: 1,
    });
    const xml = toXml('instance', encodeInstance(registered, 'xml'));
    expect(xml).toContain(
      '<overriddenstatus>UNKNOWN</overriddenstatus><port enabled="true">8081</port><securePort enabled="false">443</securePort>',
    );
    expect(xml).toContain(
      '<dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo>',
    );
    expect(xml).toContain('<metadata><management.port>8081</management.port><jmx.port>55091</jmx.port></metadata>');
    // What we write, we read back.
    expect(decodeInstance(parseXml(xml).instance, 0)).toEqual({
      ...registered.info,
      lastUpdatedTimestamp: registered.info.lastUpdatedTimestamp,
    });
  });

  it('writes empty metadata and applications the way Eureka does', () => {
    const info = decodeInstance({ ...javaJson, metadata: {} }, 0);
    const lease = {
      renewalIntervalInSecs: 1,
      durationInSecs: 3,
      registrationTimestamp: 0,
      lastRenewalTimestamp: 0,
      evictionTimestamp: 0,
      serviceUpTimestamp: 0,
    };
    const apps = encodeApplications([{ info, lease, actionType: 'ADDED' }], { version: 7, hashCode: 'UP_1_' }, 'json');
    expect(apps).toMatchObject({
      versions__delta: '7',
      apps__hashcode: 'UP_1_',
      application: [
        { name: 'EUREKA-CLIENT', instance: [{ metadata: { '@class': 'java.util.Collections$EmptyMap' } }] },
      ],
    });
    const xml = toXml(
      'applications',
      encodeApplications([{ info, lease, actionType: 'ADDED' }], { version: 7, hashCode: 'UP_1_' }, 'xml'),
    );
    expect(xml).toMatch(
      /^<applications><versions__delta>7<\/versions__delta><apps__hashcode>UP_1_<\/apps__hashcode><application><name>EUREKA-CLIENT<\/name><instance>/,
    );
    expect(xml).toContain('<metadata class="java.util.Collections$EmptyMap"/>');
    // A one-instance XML document still reads back as lists.
    expect(parseXml(xml)).toMatchObject({ applications: { application: [{ instance: [{ app: 'EUREKA-CLIENT' }] }] } });
  });

  it('refuses XML with a DTD and malformed XML', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "aaaa">]><instance>&a;</instance>')).toThrow(/DTD/);
    expect(() => parseXml('<instance><app>A</instance>')).toThrow(/malformed XML/);
  });
});

describe('content negotiation', () => {
  it('answers XML unless JSON is preferred, as Eureka does', () => {
    expect(responseFormat(undefined)).toBe('xml');
    expect(responseFormat('*/*')).toBe('xml');
    expect(responseFormat('application/json')).toBe('json');
    expect(responseFormat('application/json, text/plain, */*')).toBe('json');
    expect(responseFormat('application/xml;q=0.9, application/json')).toBe('json');
    expect(responseFormat('application/json;q=0.5, application/xml')).toBe('xml');
    expect(responseFormat('text/html')).toBe('xml');
  });
});

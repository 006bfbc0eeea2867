import type { InstanceInfo } from '../../src/domain/instance.ts';
import { Registry, type RegistrySettings } from '../../src/domain/registry.ts';

// Builders shared by the domain's unit tests.

export function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
      return now;
    },
  };
}

export const testSettings = (overrides: Partial<RegistrySettings> = {}): RegistrySettings => ({
  defaultRenewalIntervalInSecs: 30,
  defaultDurationInSecs: 90,
  maxDurationInSecs: 300,
  deltaRetentionMs: 180_000,
  preservation: { enabled: true, renewalThreshold: 0.85, windowMs: 5000, maxHoldMs: 10_000 },
  ...overrides,
});

export function instance(id: string, overrides: Partial<InstanceInfo> = {}): InstanceInfo {
  return {
    instanceId: id,
    app: 'USER',
    hostName: '127.0.0.1',
    ipAddr: '127.0.0.1',
    status: 'UP',
    overriddenStatus: 'UNKNOWN',
    port: { port: 4000, enabled: true },
    securePort: { port: 443, enabled: false },
    countryId: 1,
    dataCenterInfo: { className: 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
    leaseRequest: { renewalIntervalInSecs: 1, durationInSecs: 3 },
    metadata: {},
    vipAddress: 'user',
    isCoordinatingDiscoveryServer: false,
    lastUpdatedTimestamp: 1,
    lastDirtyTimestamp: 1,
    ...overrides,
  };
}

export function testRegistry(overrides: Partial<RegistrySettings> = {}) {
  const clock = fakeClock();
  const registry = new Registry(testSettings(overrides), clock.now);
  return { clock, registry };
}

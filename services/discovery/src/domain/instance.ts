// The registry's model of a Eureka instance (InstanceInfo). Values are immutable: every change
// makes a new object, so a change record or a snapshot can hold them without copying.

export const INSTANCE_STATUSES = ['UP', 'DOWN', 'STARTING', 'OUT_OF_SERVICE', 'UNKNOWN'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];
export type ActionType = 'ADDED' | 'MODIFIED' | 'DELETED';

export const isInstanceStatus = (value: unknown): value is InstanceStatus =>
  typeof value === 'string' && (INSTANCE_STATUSES as readonly string[]).includes(value);

export interface PortInfo {
  port: number;
  enabled: boolean;
}

export interface DataCenterInfo {
  /** Eureka's `@class`, kept so Java clients deserialize the right type. */
  className: string;
  name: string;
  metadata?: Readonly<Record<string, string>>;
}

/** What a client asked for; the registry clamps it into a lease. */
export interface LeaseRequest {
  renewalIntervalInSecs?: number;
  durationInSecs?: number;
}

export interface InstanceInfo {
  instanceId: string;
  /** Upper-case application name, as Eureka keys it. */
  app: string;
  appGroupName?: string;
  hostName: string;
  ipAddr: string;
  sid?: string;
  status: InstanceStatus;
  overriddenStatus: InstanceStatus;
  port: PortInfo;
  securePort: PortInfo;
  countryId: number;
  dataCenterInfo: DataCenterInfo;
  leaseRequest?: LeaseRequest;
  metadata: Readonly<Record<string, string>>;
  homePageUrl?: string;
  statusPageUrl?: string;
  healthCheckUrl?: string;
  secureHealthCheckUrl?: string;
  vipAddress?: string;
  secureVipAddress?: string;
  isCoordinatingDiscoveryServer: boolean;
  lastUpdatedTimestamp: number;
  lastDirtyTimestamp: number;
  asgName?: string;
}

/** A lease as Eureka reports it in `leaseInfo` (timestamps in ms, durations in seconds). */
export interface LeaseInfo {
  renewalIntervalInSecs: number;
  durationInSecs: number;
  registrationTimestamp: number;
  lastRenewalTimestamp: number;
  evictionTimestamp: number;
  serviceUpTimestamp: number;
}

/** An instance as the registry holds and reports it. */
export interface RegisteredInstance {
  info: InstanceInfo;
  lease: LeaseInfo;
  actionType: ActionType;
}

/**
 * Eureka's reconcile hash: instance counts per status, statuses in alphabetical order, e.g.
 * `DOWN_1_UP_2_`. Clients compare it after applying a delta and refetch on mismatch.
 */
export function reconcileHashCode(statuses: Iterable<InstanceStatus>): string {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts.keys()]
    .sort()
    .map((status) => `${status}_${counts.get(status)}_`)
    .join('');
}

/** The VIP addresses an instance answers to (Eureka allows a comma-separated list). */
export const vipsOf = (vip: string | undefined): string[] =>
  (vip ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

import { type InstanceStatus, instanceUrl, type ServiceInstance } from './discovery-client.ts';

// The client's side of Eureka's JSON wire format: the registration it sends and the instances
// it reads back from `/apps`, `/apps/delta` and the watch stream. Tolerant on input (any Eureka
// server), exact on output (what Eureka's Java codec writes).

/** One instance as the local view keeps it. */
export interface EurekaRecord {
  app: string;
  instanceId: string;
  hostName: string;
  ipAddr: string;
  port: number;
  status: InstanceStatus;
  metadata: Record<string, string>;
  actionType?: string;
}

const STATUSES = new Set(['UP', 'DOWN', 'STARTING', 'OUT_OF_SERVICE', 'UNKNOWN']);
const DEFAULT_DATA_CENTER = { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' };

export const appNameOf = (serviceId: string) => serviceId.toUpperCase();
export const recordKey = (r: Pick<EurekaRecord, 'app' | 'instanceId'>) => `${r.app}/${r.instanceId}`;

/** The `{ instance }` body a PHZZK service registers with. */
export function registrationBody(
  self: ServiceInstance,
  lease: { renewalIntervalInSecs: number; durationInSecs: number },
  lastDirtyTimestamp: number,
): { instance: Record<string, unknown> } {
  const base = instanceUrl(self);
  return {
    instance: {
      instanceId: self.instanceId,
      hostName: self.host,
      app: appNameOf(self.serviceId),
      // PHZZK instances register the address they listen on; Eureka wants it in both fields.
      ipAddr: self.host,
      status: self.status,
      overriddenStatus: 'UNKNOWN',
      port: { $: self.port, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      countryId: 1,
      dataCenterInfo: DEFAULT_DATA_CENTER,
      leaseInfo: lease,
      metadata: Object.keys(self.metadata).length > 0 ? self.metadata : { '@class': 'java.util.Collections$EmptyMap' },
      homePageUrl: `${base}/`,
      statusPageUrl: `${base}/info`,
      healthCheckUrl: `${base}/health`,
      vipAddress: self.serviceId,
      secureVipAddress: self.serviceId,
      isCoordinatingDiscoveryServer: 'false',
      lastUpdatedTimestamp: String(lastDirtyTimestamp),
      lastDirtyTimestamp: String(lastDirtyTimestamp),
    },
  };
}

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** One instance from the wire, or undefined when it lacks what routing needs. */
export function parseInstance(raw: unknown): EurekaRecord | undefined {
  const o = asObject(raw);
  if (!o) return undefined;
  const app = typeof o.app === 'string' ? o.app.toUpperCase() : undefined;
  const hostName = typeof o.hostName === 'string' ? o.hostName : undefined;
  const ipAddr = typeof o.ipAddr === 'string' ? o.ipAddr : (hostName ?? '');
  const instanceId = typeof o.instanceId === 'string' && o.instanceId ? o.instanceId : hostName;
  const portField = asObject(o.port);
  const port = Number(portField ? portField.$ : o.port);
  const status = typeof o.status === 'string' && STATUSES.has(o.status) ? (o.status as InstanceStatus) : 'UNKNOWN';
  if (!app || !hostName || !instanceId || !Number.isInteger(port)) return undefined;
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(o.metadata) ?? {})) {
    if (k !== '@class' && typeof v === 'string') metadata[k] = v;
  }
  const record: EurekaRecord = { app, instanceId, hostName, ipAddr, port, status, metadata };
  if (typeof o.actionType === 'string') record.actionType = o.actionType;
  return record;
}

export interface ParsedApplications {
  version?: string;
  hashCode?: string;
  instances: EurekaRecord[];
}

/** `{ applications: { versions__delta, apps__hashcode, application: [...] } }`. */
export function parseApplications(body: unknown): ParsedApplications {
  const apps = asObject(asObject(body)?.applications);
  if (!apps) throw new Error('not a Eureka applications document');
  const instances: EurekaRecord[] = [];
  for (const app of asList(apps.application)) {
    for (const raw of asList(asObject(app)?.instance)) {
      const record = parseInstance(raw);
      if (record) instances.push(record);
    }
  }
  const out: ParsedApplications = { instances };
  if (apps.versions__delta !== undefined) out.version = String(apps.versions__delta);
  if (typeof apps.apps__hashcode === 'string') out.hashCode = apps.apps__hashcode;
  return out;
}

/** Eureka's reconcile hash (`DOWN_1_UP_2_`): counts per status, statuses in alphabetical order. */
export function reconcileHashCode(records: Iterable<Pick<EurekaRecord, 'status'>>): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts.keys()]
    .sort()
    .map((s) => `${s}_${counts.get(s)}_`)
    .join('');
}

export const toServiceInstance = (r: EurekaRecord): ServiceInstance => ({
  serviceId: r.app.toLowerCase(),
  instanceId: r.instanceId,
  host: r.hostName,
  port: r.port,
  status: r.status,
  metadata: r.metadata,
});

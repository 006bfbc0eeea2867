import {
  type DataCenterInfo,
  type InstanceInfo,
  type InstanceStatus,
  isInstanceStatus,
  type LeaseRequest,
  type PortInfo,
  type RegisteredInstance,
} from './instance.ts';

/**
 * Eureka's InstanceInfo on the wire. JSON and XML share one tree: XML attributes become `@name`
 * keys and element text `$` (that is how Eureka's JSON looks too: `"port": {"$": 8080,
 * "@enabled": "true"}`), so one decoder and one encoder serve both formats.
 */
export type WireObject = Record<string, unknown>;

export interface WireProblem {
  path: string;
  message: string;
}

export class WireError extends Error {
  readonly problems: WireProblem[];
  constructor(message: string, problems: WireProblem[] = []) {
    super(message);
    this.name = 'WireError';
    this.problems = problems;
  }
}

export type WireFormat = 'json' | 'xml';

const DEFAULT_DATA_CENTER_CLASS = 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo';
const AMAZON_DATA_CENTER_CLASS = 'com.netflix.appinfo.AmazonInfo';
const EMPTY_MAP = { '@class': 'java.util.Collections$EmptyMap' };
const DATA_CENTER_NAMES = ['MyOwn', 'Amazon', 'Netflix'];

/** App names and ids end up in URL paths and XML text: keep them to safe characters. */
export const APP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const INSTANCE_ID_FORBIDDEN = /[\s/?#\\]|\p{Cc}/u;
export const isInstanceId = (id: string) => id.length > 0 && id.length <= 256 && !INSTANCE_ID_FORBIDDEN.test(id);
/** Metadata keys become XML element names; these are the ones every XML parser accepts. */
export const METADATA_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9._:-]{0,127}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_STRING = 2048;
const MAX_METADATA_VALUE = 4096;

export const isMetadataKey = (key: string) => METADATA_KEY_PATTERN.test(key) && !FORBIDDEN_KEYS.has(key);

/** Reads one instance, collecting every problem so a client learns all of them at once. */
class Reader {
  readonly problems: WireProblem[] = [];

  problem(path: string, message: string): undefined {
    this.problems.push({ path, message });
    return undefined;
  }

  /** A string field; XML gives "" for an empty element, which counts as absent. */
  string(obj: WireObject, key: string, required = false, max = MAX_STRING, prefix = ''): string | undefined {
    const value = obj[key];
    const path = `${prefix}/${key}`;
    if (value === undefined || value === null || value === '')
      return required ? this.problem(path, 'is required') : undefined;
    if (typeof value !== 'string') return this.problem(path, 'must be a string');
    if (value.length > max) return this.problem(path, `must be at most ${max} characters`);
    return value;
  }

  /** An integer given as a number or a decimal string (Eureka writes both). */
  integer(value: unknown, path: string, min: number, max: number): number | undefined {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value.trim())
          ? Number(value)
          : NaN;
    if (!Number.isSafeInteger(n)) return this.problem(path, 'must be an integer');
    if (n < min || n > max) return this.problem(path, `must be between ${min} and ${max}`);
    return n;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    this.problem(path, 'must be true or false');
    return fallback;
  }

  status(value: unknown, path: string, fallback: InstanceStatus): InstanceStatus {
    if (value === undefined || value === null || value === '') return fallback;
    const upper = typeof value === 'string' ? value.toUpperCase() : value;
    if (isInstanceStatus(upper)) return upper;
    this.problem(path, 'must be one of UP, DOWN, STARTING, OUT_OF_SERVICE, UNKNOWN');
    return fallback;
  }

  port(value: unknown, path: string, fallback: PortInfo, required: boolean): PortInfo {
    if (value === undefined || value === null || value === '') {
      if (required) this.problem(path, 'is required');
      return fallback;
    }
    if (typeof value === 'number' || typeof value === 'string') {
      return { port: this.integer(value, path, 0, 65535) ?? fallback.port, enabled: fallback.enabled };
    }
    if (!isObject(value)) {
      this.problem(path, 'must be a port number or {"$": port, "@enabled": "true"}');
      return fallback;
    }
    return {
      port: this.integer(value.$, `${path}/$`, 0, 65535) ?? fallback.port,
      enabled: this.boolean(value['@enabled'], `${path}/@enabled`, fallback.enabled),
    };
  }

  stringMap(value: unknown, path: string, checkKeys: boolean): Record<string, string> {
    if (value === undefined || value === null || value === '') return {};
    if (!isObject(value)) {
      this.problem(path, 'must be an object of strings');
      return {};
    }
    const entries: [string, string][] = [];
    for (const [key, raw] of Object.entries(value)) {
      if (key === '@class') continue; // Eureka's marker for an empty Java map
      if (checkKeys && !isMetadataKey(key)) {
        this.problem(`${path}/${key}`, 'is not a valid metadata key (letters, digits, . _ : -)');
        continue;
      }
      const text =
        typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
      if (text === undefined) this.problem(`${path}/${key}`, 'must be a string');
      else if (text.length > MAX_METADATA_VALUE)
        this.problem(`${path}/${key}`, `must be at most ${MAX_METADATA_VALUE} characters`);
      else entries.push([key, text]);
    }
    return Object.fromEntries(entries);
  }
}

export const isObject = (value: unknown): value is WireObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Decodes an InstanceInfo as Eureka clients send it (without the `instance` envelope).
 * Throws WireError listing every problem; unknown fields are ignored, as Eureka does.
 */
export function decodeInstance(raw: unknown, now: number): InstanceInfo {
  if (!isObject(raw)) throw new WireError('instance must be an object', [{ path: '/', message: 'must be an object' }]);
  const r = new Reader();
  const app = r.string(raw, 'app', true, 128);
  if (app !== undefined && !APP_NAME_PATTERN.test(app)) r.problem('/app', 'must be letters, digits, . _ -');
  const hostName = r.string(raw, 'hostName', true, 255);
  const ipAddr = r.string(raw, 'ipAddr', true, 64);
  const dataCenterInfo = decodeDataCenter(r, raw.dataCenterInfo);
  const instanceId = r.string(raw, 'instanceId', false, 256) ?? dataCenterInfo?.metadata?.['instance-id'] ?? hostName;
  if (instanceId !== undefined && !isInstanceId(instanceId)) {
    r.problem('/instanceId', 'must not contain whitespace, control characters, / ? # or \\');
  }
  const status = r.status(raw.status, '/status', 'UP');
  const overriddenStatus = r.status(raw.overriddenStatus ?? raw.overriddenstatus, '/overriddenStatus', 'UNKNOWN');
  const port = r.port(raw.port, '/port', { port: 7001, enabled: true }, true);
  const securePort = r.port(raw.securePort, '/securePort', { port: 443, enabled: false }, false);
  const countryId =
    raw.countryId === undefined || raw.countryId === ''
      ? 1
      : (r.integer(raw.countryId, '/countryId', 0, 1_000_000) ?? 1);
  const leaseRequest = decodeLeaseRequest(r, raw.leaseInfo);
  const metadata = r.stringMap(raw.metadata, '/metadata', true);
  const isCoordinatingDiscoveryServer = r.boolean(
    raw.isCoordinatingDiscoveryServer,
    '/isCoordinatingDiscoveryServer',
    false,
  );
  const timestamp = (key: string) =>
    raw[key] === undefined || raw[key] === null || raw[key] === ''
      ? now
      : (r.integer(raw[key], `/${key}`, 0, Number.MAX_SAFE_INTEGER) ?? now);
  const lastUpdatedTimestamp = timestamp('lastUpdatedTimestamp');
  const lastDirtyTimestamp = timestamp('lastDirtyTimestamp');
  const optional = (key: string) => r.string(raw, key);
  const sid = optional('sid');
  const fields = {
    appGroupName: optional('appGroupName')?.toUpperCase(),
    sid: sid === 'na' || sid === 'unknown' ? undefined : sid, // "na" is Eureka's "not set"
    homePageUrl: optional('homePageUrl'),
    statusPageUrl: optional('statusPageUrl'),
    healthCheckUrl: optional('healthCheckUrl'),
    secureHealthCheckUrl: optional('secureHealthCheckUrl'),
    vipAddress: optional('vipAddress'),
    secureVipAddress: optional('secureVipAddress'),
    asgName: optional('asgName'),
  };
  if (r.problems.length > 0 || !app || !hostName || !ipAddr || !instanceId || !dataCenterInfo) {
    throw new WireError(`invalid instance: ${r.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, r.problems);
  }
  const info: InstanceInfo = {
    instanceId,
    app: app.toUpperCase(),
    hostName,
    ipAddr,
    status,
    overriddenStatus,
    port,
    securePort,
    countryId,
    dataCenterInfo,
    metadata,
    isCoordinatingDiscoveryServer,
    lastUpdatedTimestamp,
    lastDirtyTimestamp,
    ...(leaseRequest ? { leaseRequest } : {}),
  };
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined) (info as unknown as WireObject)[key] = value;
  return info;
}

function decodeDataCenter(r: Reader, value: unknown): DataCenterInfo | undefined {
  if (!isObject(value)) return r.problem('/dataCenterInfo', value === undefined ? 'is required' : 'must be an object');
  const name = r.string(value, 'name', true, 64, '/dataCenterInfo');
  if (name === undefined) return undefined;
  if (!DATA_CENTER_NAMES.includes(name))
    return r.problem('/dataCenterInfo/name', `must be one of ${DATA_CENTER_NAMES.join(', ')}`);
  const className =
    typeof value['@class'] === 'string' && value['@class']
      ? value['@class']
      : name === 'Amazon'
        ? AMAZON_DATA_CENTER_CLASS
        : DEFAULT_DATA_CENTER_CLASS;
  const metadata =
    value.metadata === undefined ? undefined : r.stringMap(value.metadata, '/dataCenterInfo/metadata', false);
  return { className, name, ...(metadata ? { metadata } : {}) };
}

function decodeLeaseRequest(r: Reader, value: unknown): LeaseRequest | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isObject(value)) return r.problem('/leaseInfo', 'must be an object');
  const seconds = (key: string) => {
    const raw = value[key];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const n = r.integer(raw, `/leaseInfo/${key}`, -1, 86_400);
    // Eureka treats a non-positive value as "use the default".
    return n !== undefined && n > 0 ? n : undefined;
  };
  const renewalIntervalInSecs = seconds('renewalIntervalInSecs');
  const durationInSecs = seconds('durationInSecs');
  const request: LeaseRequest = {};
  if (renewalIntervalInSecs !== undefined) request.renewalIntervalInSecs = renewalIntervalInSecs;
  if (durationInSecs !== undefined) request.durationInSecs = durationInSecs;
  return Object.keys(request).length > 0 ? request : undefined;
}

const portWire = (p: PortInfo) => ({ $: p.port, '@enabled': String(p.enabled) });

/**
 * Encodes an instance in the field order of Eureka's own codec. XML names the override
 * `overriddenstatus` (XStream) and JSON `overriddenStatus` (Jackson), as Eureka does.
 */
export function encodeInstance(instance: RegisteredInstance, format: WireFormat): WireObject {
  const { info, lease } = instance;
  const out: WireObject = {
    instanceId: info.instanceId,
    hostName: info.hostName,
    app: info.app,
    ipAddr: info.ipAddr,
  };
  if (info.sid && info.sid !== 'na' && info.sid !== 'unknown') out.sid = info.sid;
  out.status = info.status;
  out[format === 'xml' ? 'overriddenstatus' : 'overriddenStatus'] = info.overriddenStatus;
  out.port = portWire(info.port);
  out.securePort = portWire(info.securePort);
  out.countryId = info.countryId;
  out.dataCenterInfo = {
    '@class': info.dataCenterInfo.className,
    name: info.dataCenterInfo.name,
    ...(info.dataCenterInfo.metadata ? { metadata: info.dataCenterInfo.metadata } : {}),
  };
  out.leaseInfo = { ...lease };
  out.metadata = Object.keys(info.metadata).length === 0 ? EMPTY_MAP : info.metadata;
  for (const key of [
    'appGroupName',
    'homePageUrl',
    'statusPageUrl',
    'healthCheckUrl',
    'secureHealthCheckUrl',
    'vipAddress',
    'secureVipAddress',
  ] as const) {
    if (info[key] !== undefined) out[key] = info[key];
  }
  // Eureka's @Auto fields are written as strings.
  out.isCoordinatingDiscoveryServer = String(info.isCoordinatingDiscoveryServer);
  out.lastUpdatedTimestamp = String(info.lastUpdatedTimestamp);
  out.lastDirtyTimestamp = String(info.lastDirtyTimestamp);
  out.actionType = instance.actionType;
  if (info.asgName !== undefined) out.asgName = info.asgName;
  return out;
}

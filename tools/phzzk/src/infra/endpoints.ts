import type { InfraEndpoints } from './types.ts';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

export interface HostPort {
  host: string;
  port: number;
}

export interface PostgresTarget extends HostPort {
  user: string;
  password: string | undefined;
  database: string;
}

export interface RedisTarget extends HostPort {
  password: string | undefined;
}

export function resolveEndpoints(env: NodeJS.ProcessEnv): InfraEndpoints {
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL) ?? DEFAULT_DATABASE_URL,
    redisUrl: nonEmpty(env.REDIS_URL) ?? DEFAULT_REDIS_URL,
    kafkaBrokers: (nonEmpty(env.KAFKA_BROKERS) ?? DEFAULT_KAFKA_BROKERS)
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0),
  };
}

export function parsePostgresUrl(url: string): PostgresTarget {
  const u = parseUrl(url, ['postgres:', 'postgresql:'], 'DATABASE_URL');
  const user = decodeURIComponent(u.username) || 'postgres';
  // libpq's default database is the user name; an explicit path wins.
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user;
  return {
    host: hostOf(u, '127.0.0.1'),
    port: portOf(u, 5432, 'DATABASE_URL'),
    user,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database,
  };
}

export function parseRedisUrl(url: string): RedisTarget {
  const u = parseUrl(url, ['redis:', 'rediss:'], 'REDIS_URL');
  return {
    host: hostOf(u, '127.0.0.1'),
    port: portOf(u, 6379, 'REDIS_URL'),
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

/** `host:port`, `[::1]:port` or a bare host (port 9092), as Kafka clients accept them. */
export function parseBroker(broker: string): HostPort {
  return parseHostPort(broker, 9092, 'KAFKA_BROKERS');
}

/** `host:port`, `[v6]:port` or a bare host (then `defaultPort`). */
export function parseHostPort(address: string, defaultPort: number, what = 'address'): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(address.trim());
  if (!m) throw new Error(`${what}: cannot parse "${address}" (expected host:port)`);
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (!validPort(port)) throw new Error(`${what}: invalid port in "${address}"`);
  return { host: (m[1] ?? m[2])!, port };
}

/** Only a server on this machine can be started by PHZZK; anything else must already run. */
export function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '0.0.0.0' || /^127\./.test(host);
}

/** Hosts in URLs come bracketed for IPv6; sockets and config files want them bare. */
export function formatHostPort(t: HostPort): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

function parseUrl(url: string, protocols: string[], what: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${what}: not a URL: "${url}"`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new Error(`${what}: expected a ${protocols.join(' or ')} URL, got "${url}"`);
  }
  return u;
}

function hostOf(u: URL, fallback: string): string {
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return host || fallback;
}

function portOf(u: URL, fallback: number, what: string): number {
  if (u.port === '') return fallback;
  const port = Number(u.port);
  if (!validPort(port)) throw new Error(`${what}: invalid port "${u.port}"`);
  return port;
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port < 65536;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

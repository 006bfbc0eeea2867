import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Local development credentials, created once under PHZZK_HOME (`.phzzk/credentials.json`, mode
 * 0600) and passed to every service through its environment by `npm start`. To introduce a new
 * credential, add an entry below (how its value is made) and, in `credentialEnv`, the variable
 * that carries it; existing files gain the new entry on the next start, old values are kept.
 */
export const LOCAL_CREDENTIALS: Record<string, () => string> = {
  /** Discovery's platform credential (HTTP Basic in every service's discovery URL; peers replicate with it). */
  'discovery.username': () => 'phzzk',
  'discovery.password': () => secret(24),
  /** The config server's read credential (HTTP Basic in every service's config URI). */
  'config.username': () => 'phzzk',
  'config.password': () => secret(24),
  /** The config server's `POST /monitor` webhook secret. */
  'config.monitor-secret': () => secret(32),
  /** Encrypts the development signing key the auth service generates (never plain PEM in Redis). */
  'auth.dev-key-secret': () => secret(32),
  /**
   * SECURITY_SERVICE_KEYS: the key with which the gateway signs the caller it verified; every
   * service verifies it with it. (An /internal call is signed with the caller's own key pair: see
   * `security.service-private-key.<service>` below.)
   */
  'security.service-keys': () => secret(32),
  /** GATEWAY_OPERATOR_TOKEN: the bearer token for the gateway's /metrics, /info and detailed /health. */
  'gateway.operator-token': () => secret(32),
};

export type LocalCredentials = Record<string, string>;

/** The service that operators' tools (scripts, `curl` to an /internal route) call as. */
export const OPERATOR_SERVICE = 'operator';
const PRIVATE_KEY = 'security.service-private-key.';
const PUBLIC_KEY = 'security.service-public-key.';
/** Where a service's own Ed25519 key pair is kept in the credentials file. */
export const servicePrivateKeyEntry = (service: string) => `${PRIVATE_KEY}${service}`;
export const servicePublicKeyEntry = (service: string) => `${PUBLIC_KEY}${service}`;

/** Every entry a home needs: the fixed ones, and a key pair per service and for the operator. */
function requiredEntries(services: readonly string[]): string[] {
  const withOperator = [...new Set([...services, OPERATOR_SERVICE])];
  return [
    ...Object.keys(LOCAL_CREDENTIALS),
    ...withOperator.flatMap((s) => [servicePrivateKeyEntry(s), servicePublicKeyEntry(s)]),
  ];
}

/** Adds what is missing: fixed entries from LOCAL_CREDENTIALS, key pairs made together (both halves). */
function complete(entries: LocalCredentials, services: readonly string[]): LocalCredentials {
  const out: LocalCredentials = { ...entries };
  for (const [k, make] of Object.entries(LOCAL_CREDENTIALS)) out[k] ??= make();
  for (const service of new Set([...services, OPERATOR_SERVICE])) {
    if (out[servicePrivateKeyEntry(service)] !== undefined && out[servicePublicKeyEntry(service)] !== undefined)
      continue;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    out[servicePrivateKeyEntry(service)] = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    out[servicePublicKeyEntry(service)] = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }
  return out;
}

export const credentialsFileOf = (home: string) => join(home, 'credentials.json');

function secret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function readEntries(file: string): LocalCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as { entries?: unknown };
  if (!parsed || typeof parsed.entries !== 'object' || parsed.entries === null) {
    throw new Error(`${file}: not a PHZZK credentials file ({"entries": {...}}); move it away to make a new one`);
  }
  const entries: LocalCredentials = {};
  for (const [k, v] of Object.entries(parsed.entries)) if (typeof v === 'string') entries[k] = v;
  return entries;
}

/**
 * The local credentials of a PHZZK home: read, completed with any entry that is missing (an
 * Ed25519 key pair per service of `services` and for the operator), and (only then) written
 * back, owner-only. Safe to call from several processes: a lock file makes the first one create
 * the values, the others read them.
 */
export function ensureLocalCredentials(home: string, services: readonly string[] = []): LocalCredentials {
  const file = credentialsFileOf(home);
  const current = readEntries(file) ?? {};
  const required = requiredEntries(services);
  const missing = required.filter((k) => current[k] === undefined);
  if (missing.length === 0) {
    chmodSync(file, 0o600);
    return current;
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const lock = `${file}.lock`;
  let fd: number | undefined;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch {
    // Another process is writing them: wait briefly for its file.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const entries = readEntries(file);
      if (entries && required.every((k) => entries[k] !== undefined)) return entries;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
    throw new Error(`${lock} is held by another process; remove it if no phzzk is starting`);
  }
  try {
    const entries = complete(readEntries(file) ?? {}, services);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ entries }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    return entries;
  } finally {
    if (fd !== undefined) closeSync(fd);
    unlinkSync(lock);
  }
}

/**
 * The environment that carries the credentials to the services: discovery and config URLs with
 * their credentials in them (as Spring and Eureka clients take them), and the servers' own settings.
 * Variables the user set win (a real deployment's credentials).
 */
export function credentialEnv(
  credentials: LocalCredentials,
  ports: { discovery: number; config: number },
): Record<string, string> {
  const user = (name: string) => encodeURIComponent(credentials[`${name}.username`] ?? '');
  const password = (name: string) => encodeURIComponent(credentials[`${name}.password`] ?? '');
  const env: Record<string, string> = {
    DISCOVERY_EUREKA_URL: `http://${user('discovery')}:${password('discovery')}@127.0.0.1:${ports.discovery}/eureka`,
    DISCOVERY_SECURITY_USERNAME: credentials['discovery.username'] ?? '',
    DISCOVERY_SECURITY_PASSWORD: credentials['discovery.password'] ?? '',
    CONFIG_URI: `http://${user('config')}:${password('config')}@127.0.0.1:${ports.config}`,
    CONFIG_SECURITY_USERNAME: credentials['config.username'] ?? '',
    CONFIG_SECURITY_PASSWORD: credentials['config.password'] ?? '',
    CONFIG_MONITOR_SECRET: credentials['config.monitor-secret'] ?? '',
    AUTH_DEV_KEY_SECRET: credentials['auth.dev-key-secret'] ?? '',
    SECURITY_SERVICE_KEYS: credentials['security.service-keys'] ?? '',
    GATEWAY_OPERATOR_TOKEN: credentials['gateway.operator-token'] ?? '',
    SECURITY_SERVICE_PUBLIC_KEYS: servicePublicKeysJson(credentials),
  };
  for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
  return env;
}

/** SECURITY_SERVICE_PUBLIC_KEYS: every service's public key, by name (public; every service gets it). */
export function servicePublicKeysJson(credentials: LocalCredentials): string {
  const map: Record<string, string> = {};
  for (const [k, v] of Object.entries(credentials)) if (k.startsWith(PUBLIC_KEY)) map[k.slice(PUBLIC_KEY.length)] = v;
  return Object.keys(map).length > 0 ? JSON.stringify(map) : '';
}

/** SECURITY_SERVICE_PRIVATE_KEY for one service: its own private key only (none when it has none). */
export function servicePrivateKeyEnv(credentials: LocalCredentials, service: string): Record<string, string> {
  const key = credentials[servicePrivateKeyEntry(service)];
  return key ? { SECURITY_SERVICE_PRIVATE_KEY: key } : {};
}

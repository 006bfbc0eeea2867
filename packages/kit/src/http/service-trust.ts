import { createHmac, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { IdentityHeader } from '@phzzk/contracts';
import {
  developmentServiceKeyPair,
  type PublicKeysOf,
  parseServicePrivateKey,
  parseServicePublicKeys,
  ServiceKeys,
} from './service-keys.ts';

/**
 * The key every process uses when none is configured, in the `default`, `dev` and `test` profiles
 * only (it is public: anyone can sign with it). Any other profile refuses to start without keys.
 */
export const DEVELOPMENT_SERVICE_KEY = 'phzzk-development-service-key: not a secret, never for production';
const DEVELOPMENT_PROFILES = new Set(['default', 'dev', 'test']);

/** A gateway-signed identity lives this long: enough for clock skew between hosts, too short to replay. */
export const BOUND_TTL_SECONDS = 30;
/** Unbound signatures (tests, in-process callers) may live up to this long. */
const UNBOUND_MAX_TTL_SECONDS = 2 * 3600;
/** Clock skew tolerated on an expiry. */
const SKEW_SECONDS = 5;

/** What a signature vouches for (each optional; an absent field is signed as empty). */
export interface SignedFields {
  userId?: string | undefined;
  sessionId?: string | undefined;
  roles?: string | undefined;
  clientIp?: string | undefined;
  service?: string | undefined;
}

/** A request's verified identity: `fields` when it carried a valid signature, else nothing. */
export type Verification = { ok: true; fields: SignedFields | undefined } | { ok: false; reason: string };

const NAMES = [
  IdentityHeader.userId,
  IdentityHeader.sessionId,
  IdentityHeader.roles,
  IdentityHeader.clientIp,
  IdentityHeader.service,
] as const;

/**
 * The signed text. `v1` (bound to method and path) and `v1u` (unbound): an HMAC with the shared
 * key, for a user identity only. `s1`: a service's own Ed25519 signature, always bound, the only
 * kind that vouches for a `service`.
 */
type Version = 'v1' | 'v1u' | 's1';

function message(version: Version, exp: number, method: string, path: string, f: SignedFields): string {
  const bound = version !== 'v1u';
  return `${version}\n${exp}\n${bound ? method : ''}\n${bound ? path : ''}\n${f.userId ?? ''}\n${f.sessionId ?? ''}\n${f.roles ?? ''}\n${f.clientIp ?? ''}\n${f.service ?? ''}`;
}

function mac(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

/** `<header>: <value>` pairs for the fields that are set, plus their signature. */
export function signedHeaders(
  key: string,
  fields: SignedFields,
  options: { method?: string; path?: string; ttlSeconds?: number; now?: number } = {},
): Record<string, string> {
  const bound = options.method !== undefined && options.path !== undefined;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const exp = now + (options.ttlSeconds ?? (bound ? BOUND_TTL_SECONDS : 3600));
  const out: Record<string, string> = {};
  if (fields.userId) out[IdentityHeader.userId] = fields.userId;
  if (fields.sessionId) out[IdentityHeader.sessionId] = fields.sessionId;
  if (fields.roles) out[IdentityHeader.roles] = fields.roles;
  if (fields.clientIp) out[IdentityHeader.clientIp] = fields.clientIp;
  if (fields.service) out[IdentityHeader.service] = fields.service;
  const text = message(bound ? 'v1' : 'v1u', exp, options.method ?? '', options.path ?? '', fields);
  out[IdentityHeader.signature] = `${bound ? 'v1' : 'v1u'}.${exp}.${mac(key, text)}`;
  return out;
}

/** The signature header's value alone, bound to the request (the gateway's per-request cost: one HMAC). */
export function boundSignature(key: string, fields: SignedFields, method: string, path: string, nowMs: number): string {
  const exp = Math.floor(nowMs / 1000) + BOUND_TTL_SECONDS;
  return `v1.${exp}.${mac(key, message('v1', exp, method, path, fields))}`;
}

/**
 * A service's credential for one call to another service's `/internal` route: `service` and its
 * Ed25519 signature (`s1`) over the method, the path with its query and an expiry ≤ 30 s.
 */
export function serviceSignedHeaders(
  privateKey: KeyObject,
  service: string,
  method: string,
  path: string,
  options: { ttlSeconds?: number; now?: number } = {},
): Record<string, string> {
  const exp = Math.floor((options.now ?? Date.now()) / 1000) + (options.ttlSeconds ?? BOUND_TTL_SECONDS);
  const text = message('s1', exp, method, path, { service });
  const signature = sign(null, Buffer.from(text), privateKey).toString('base64url');
  return { [IdentityHeader.service]: service, [IdentityHeader.signature]: `s1.${exp}.${signature}` };
}

const single = (value: string | string[] | undefined): string | undefined | null =>
  value === undefined ? undefined : typeof value === 'string' ? value : null;

/**
 * Checks a request's x-phzzk-* headers. A user identity: an HMAC with any of `keys` (the first
 * signs, the others are accepted during a rotation). A `service`: only that service's own Ed25519
 * signature, verified with its public keys (`publicKeysOf`; none given: no service is believed).
 * No such header at all: anonymous, `{ok: true, fields: undefined}`. Any of them without a valid,
 * unexpired signature bound to this method and path: refused.
 */
export function verifySignedHeaders(
  keys: readonly string[],
  headers: IncomingHttpHeaders,
  method: string | undefined,
  path: string | undefined,
  nowMs = Date.now(),
  publicKeysOf: PublicKeysOf = () => [],
): Verification {
  const signature = single(headers[IdentityHeader.signature]);
  const fields: SignedFields = {};
  let any = signature !== undefined;
  for (const name of NAMES) {
    const value = single(headers[name]);
    if (value === null) return { ok: false, reason: `${name} is repeated` };
    if (value === undefined) continue;
    any = true;
    if (name === IdentityHeader.userId) fields.userId = value;
    else if (name === IdentityHeader.sessionId) fields.sessionId = value;
    else if (name === IdentityHeader.roles) fields.roles = value;
    else if (name === IdentityHeader.clientIp) fields.clientIp = value;
    else fields.service = value;
  }
  if (!any) return { ok: true, fields: undefined };
  if (!signature) return { ok: false, reason: 'identity headers without a signature' };
  const parts = signature.split('.');
  const [version, expText, given] = parts;
  if (
    parts.length !== 3 ||
    (version !== 'v1' && version !== 'v1u' && version !== 's1') ||
    !expText ||
    !given ||
    !/^\d{1,12}$/.test(expText)
  )
    return { ok: false, reason: 'malformed signature' };
  const byService = version === 's1';
  if (byService && !fields.service) return { ok: false, reason: 'a service signature without a service' };
  if (!byService && fields.service !== undefined)
    return { ok: false, reason: "a service is vouched for only by that service's own key" };
  const bound = version !== 'v1u';
  if (bound && (method === undefined || path === undefined)) return { ok: false, reason: 'no request to bind to' };
  const exp = Number(expText);
  const now = Math.floor(nowMs / 1000);
  if (exp + SKEW_SECONDS < now) return { ok: false, reason: 'signature expired' };
  if (exp > now + SKEW_SECONDS + (bound ? BOUND_TTL_SECONDS : UNBOUND_MAX_TTL_SECONDS))
    return { ok: false, reason: 'signature lives too long' };
  const text = message(version, exp, method ?? '', path ?? '', fields);
  if (byService) {
    const publicKeys = publicKeysOf(fields.service ?? '');
    if (publicKeys.length === 0) return { ok: false, reason: 'unknown service' };
    const signature = Buffer.from(given, 'base64url');
    const data = Buffer.from(text);
    for (const key of publicKeys) if (verify(null, data, key, signature)) return { ok: true, fields };
    return { ok: false, reason: 'signature does not verify' };
  }
  const givenBytes = Buffer.from(given);
  for (const key of keys) {
    const expected = Buffer.from(mac(key, text));
    if (expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes)) return { ok: true, fields };
  }
  return { ok: false, reason: 'signature does not verify' };
}

/** Where a process's service key pair comes from (`security.service-private-key` and `-public-keys`). */
export interface ServiceKeyConfig {
  privateKey?: string | undefined;
  publicKeys?: string | undefined;
}

/**
 * This process's part in service-to-service trust: the shared keys that sign and verify a user
 * identity the gateway forwards, its own Ed25519 key pair for the calls it makes to another
 * service's `/internal` routes (`internalHeaders`), and every service's public keys to verify
 * such calls made to it.
 */
export class ServiceTrust {
  readonly service: string;
  readonly keys: readonly string[];
  readonly serviceKeys: ServiceKeys;
  /** Running on the public development key (the shared one). */
  readonly development: boolean;

  constructor(service: string, keys: readonly string[], serviceKeys: ServiceKeys = ServiceKeys.development(service)) {
    if (keys.length === 0) throw new Error('a service trust needs at least one key');
    this.service = service;
    this.keys = keys;
    this.serviceKeys = serviceKeys;
    this.development = keys.length === 1 && keys[0] === DEVELOPMENT_SERVICE_KEY;
  }

  /**
   * The configured keys, or the development keys where that is allowed. Throws (the service does
   * not start) in any other profile: a platform must never run on a public key by accident.
   */
  static fromConfig(
    service: string,
    configured: readonly string[] | undefined,
    profile: string,
    serviceKeyConfig: ServiceKeyConfig = {},
  ): ServiceTrust {
    const development = DEVELOPMENT_PROFILES.has(profile);
    const keys = (configured ?? []).filter((k) => k !== '');
    if (keys.length === 0 && !development) {
      throw new Error(
        `security.service-keys (SECURITY_SERVICE_KEYS) must be set in the "${profile}" profile: every service and the gateway share it to sign and verify identities`,
      );
    }
    return new ServiceTrust(
      service,
      keys.length > 0 ? keys : [DEVELOPMENT_SERVICE_KEY],
      serviceKeysFromConfig(service, serviceKeyConfig, profile),
    );
  }

  /** Headers for a call to another service's `path` (with its query) under `/internal`: signed with this service's own key. */
  internalHeaders(method: string, path: string): Record<string, string> {
    return serviceSignedHeaders(this.serviceKeys.privateKey, this.service, method, path);
  }

  /** Signs a request the gateway forwards (see forward-headers in the gateway). */
  signature(fields: SignedFields, method: string, path: string, nowMs = Date.now()): string {
    return boundSignature(this.keys[0]!, fields, method, path, nowMs);
  }

  verify(headers: IncomingHttpHeaders, method: string | undefined, path: string | undefined): Verification {
    return verifySignedHeaders(this.keys, headers, method, path, Date.now(), this.serviceKeys.publicKeysOf);
  }
}

/**
 * This service's key pair: both settings, or neither (the development pairs, in the default, dev
 * and test profiles only). Throws with the setting to fix.
 */
export function serviceKeysFromConfig(service: string, config: ServiceKeyConfig, profile: string): ServiceKeys {
  const privateKey = config.privateKey?.trim() ? config.privateKey : undefined;
  const publicKeys = config.publicKeys?.trim() ? config.publicKeys : undefined;
  if (privateKey && publicKeys)
    return ServiceKeys.configured(service, parseServicePrivateKey(privateKey), parseServicePublicKeys(publicKeys));
  if (privateKey || publicKeys) {
    throw new Error(
      `security.service-private-key (SECURITY_SERVICE_PRIVATE_KEY) and security.service-public-keys (SECURITY_SERVICE_PUBLIC_KEYS) go together: only ${privateKey ? 'the private key' : 'the public keys'} is set`,
    );
  }
  if (!DEVELOPMENT_PROFILES.has(profile)) {
    throw new Error(
      `security.service-private-key (SECURITY_SERVICE_PRIVATE_KEY) and security.service-public-keys (SECURITY_SERVICE_PUBLIC_KEYS) must be set in the "${profile}" profile: each service signs its /internal calls with its own private key`,
    );
  }
  return ServiceKeys.development(service);
}

/**
 * A signed service credential for one call to an `/internal` route, for tests and operators'
 * tools: `internalCallHeaders('GET', '/internal/sessions')` (as `operator`, on the development
 * key pair of the service unless `privateKey`: PEM, base64 PKCS8 DER or a KeyObject).
 */
export function internalCallHeaders(
  method: string,
  path: string,
  options: { service?: string; privateKey?: string | KeyObject } = {},
): Record<string, string> {
  const service = options.service ?? 'operator';
  const privateKey =
    options.privateKey === undefined
      ? developmentServiceKeyPair(service).privateKey
      : typeof options.privateKey === 'string'
        ? parseServicePrivateKey(options.privateKey, 'privateKey')
        : options.privateKey;
  return serviceSignedHeaders(privateKey, service, method, path);
}

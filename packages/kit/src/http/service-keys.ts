import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * Each service's own Ed25519 key pair for its calls to other services' `/internal` routes: it
 * signs with its private key (which nothing else holds); a callee verifies with the caller's
 * public key, looked up by the service name the call claims. Public keys are not secret.
 */

/** PKCS8 DER of an Ed25519 private key, up to its 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** Public: the development key pairs are derived from it, so anyone can sign with them. */
const DEVELOPMENT_SEED = 'phzzk-development-service-key-pair: not a secret, never for production';
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export interface ServiceKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const developmentPairs = new Map<string, ServiceKeyPair>();

/** The public development key pair of `service` (default/dev/test profiles only; anyone can derive it). */
export function developmentServiceKeyPair(service: string): ServiceKeyPair {
  const known = developmentPairs.get(service);
  if (known) return known;
  const seed = createHash('sha256').update(`${DEVELOPMENT_SEED}\n${service}`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const pair = { privateKey, publicKey: createPublicKey(privateKey) };
  developmentPairs.set(service, pair);
  return pair;
}

/** A new key pair as text: the private key as base64 PKCS8 DER, the public key as base64 SPKI DER. */
export function newServiceKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

const isPem = (text: string) => text.trimStart().startsWith('-----BEGIN');

function ed25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${what} is a ${key.asymmetricKeyType} key, not Ed25519`);
  return key;
}

/** A private key given as PEM or as base64 PKCS8 DER; throws naming `what` when it is not Ed25519. */
export function parseServicePrivateKey(text: string, what = 'security.service-private-key'): KeyObject {
  try {
    const key = isPem(text)
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'pkcs8' });
    return ed25519(key, what);
  } catch (error) {
    throw new Error(`${what}: not an Ed25519 private key (PEM or base64 PKCS8 DER): ${(error as Error).message}`);
  }
}

/** A public key given as PEM or as base64 SPKI DER; throws naming `what` when it is not Ed25519. */
export function parseServicePublicKey(text: string, what: string): KeyObject {
  try {
    const key = isPem(text)
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
    return ed25519(key, what);
  } catch (error) {
    throw new Error(`${what}: not an Ed25519 public key (PEM or base64 SPKI DER): ${(error as Error).message}`);
  }
}

/** The public keys a service is known by: a list during a rotation (new and old), else one. */
export type PublicKeysOf = (service: string) => readonly KeyObject[];

/**
 * `{"<service>": "<key>" | ["<new key>", "<old key>"]}` (JSON text or an object) to a lookup.
 * Throws on anything else: a misspelt map must stop the service, not refuse every call later.
 */
export function parseServicePublicKeys(
  value: string | Record<string, unknown>,
  what = 'security.service-public-keys',
): Map<string, readonly KeyObject[]> {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`${what}: not JSON ({"<service>": "<base64 SPKI DER or PEM>", ...})`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${what}: must be an object {"<service>": "<public key>" | ["<public key>", ...]}`);
  const out = new Map<string, readonly KeyObject[]>();
  for (const [service, keys] of Object.entries(parsed)) {
    if (!SERVICE_NAME.test(service)) throw new Error(`${what}: "${service}" is not a service name`);
    const list: unknown[] = Array.isArray(keys) ? keys : [keys];
    if (list.length === 0 || list.length > 4) throw new Error(`${what}.${service}: one to four public keys`);
    out.set(
      service,
      list.map((k, i) => {
        if (typeof k !== 'string') throw new Error(`${what}.${service}[${i}]: not a string`);
        return parseServicePublicKey(k, `${what}.${service}[${i}]`);
      }),
    );
  }
  return out;
}

/** What a process holds for service-to-service calls: its own private key and everyone's public keys. */
export class ServiceKeys {
  readonly privateKey: KeyObject;
  readonly publicKeysOf: PublicKeysOf;
  /** Running on the public development key pairs. */
  readonly development: boolean;

  private constructor(privateKey: KeyObject, publicKeysOf: PublicKeysOf, development: boolean) {
    this.privateKey = privateKey;
    this.publicKeysOf = publicKeysOf;
    this.development = development;
  }

  /** The development pairs: `service` signs with its own, every (well-formed) service name verifies with its own. */
  static development(service: string): ServiceKeys {
    return new ServiceKeys(developmentServiceKeyPair(service).privateKey, developmentPublicKeysOf, true);
  }

  /**
   * Configured keys: this service's private key, whose public half must be among the map's keys
   * for `service` (else its calls would all be refused: a configuration error to report at start).
   */
  static configured(
    service: string,
    privateKey: KeyObject,
    publicKeys: Map<string, readonly KeyObject[]>,
  ): ServiceKeys {
    const own = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    const listed = publicKeys.get(service) ?? [];
    if (!listed.some((k) => k.export({ format: 'der', type: 'spki' }).equals(own))) {
      throw new Error(
        `security.service-public-keys has no entry for "${service}" matching security.service-private-key: add this service's public key to the map`,
      );
    }
    return new ServiceKeys(privateKey, (name) => publicKeys.get(name) ?? [], false);
  }
}

/** The development public key of any well-formed service name (none for anything else). */
export const developmentPublicKeysOf: PublicKeysOf = (service) =>
  SERVICE_NAME.test(service) ? [developmentServiceKeyPair(service).publicKey] : [];

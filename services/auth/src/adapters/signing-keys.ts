import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { Jwks } from '@phzzk/contracts';
import type { Redis } from '@phzzk/kit';
import type { JWK } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
  active: boolean;
}

export interface SigningKeyConfig {
  kid: string;
  privateKeyPem: string;
  active?: boolean;
}

/** The JWS algorithm of a key: RS256 for RSA (the fastest to verify in Node), ES256, EdDSA. */
function algorithmOf(key: KeyObject, kid: string): string {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (type === 'rsa') {
    if ((details?.modulusLength ?? 0) < 2048)
      throw new Error(`auth.signing-keys: ${kid} is an RSA key under 2048 bits`);
    return 'RS256';
  }
  if (type === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'ed25519') return 'EdDSA';
  throw new Error(`auth.signing-keys: ${kid} is a ${type} key; use RSA (2048+), EC P-256 or Ed25519`);
}

export function signingKey(entry: SigningKeyConfig): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(entry.privateKeyPem);
  } catch {
    throw new Error(`auth.signing-keys: ${entry.kid} is not a readable PEM private key`);
  }
  const alg = algorithmOf(privateKey, entry.kid);
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  return {
    kid: entry.kid,
    alg,
    privateKey,
    publicKey,
    publicJwk: { ...jwk, kid: entry.kid, alg, use: 'sig' },
    active: entry.active ?? true,
  };
}

/**
 * The signing keys in force. Exactly one is active and signs; the others only verify, which is
 * how a rotation works: add the new key as active, keep the old one listed (inactive) until the
 * tokens it signed have expired (the access-token TTL), then remove it.
 */
export class Keyring {
  readonly keys: SigningKey[];
  readonly source: 'configuration' | 'generated';

  constructor(keys: SigningKey[], source: 'configuration' | 'generated') {
    const kids = new Set(keys.map((k) => k.kid));
    if (kids.size !== keys.length) throw new Error('auth.signing-keys: kids must be unique');
    const active = keys.filter((k) => k.active);
    if (active.length !== 1)
      throw new Error(`auth.signing-keys: exactly one key must be active (found ${active.length})`);
    this.keys = keys;
    this.source = source;
  }

  get active(): SigningKey {
    return this.keys.find((k) => k.active)!;
  }

  byKid(kid: string | undefined): SigningKey | undefined {
    return kid === undefined ? undefined : this.keys.find((k) => k.kid === kid);
  }

  jwks(): Jwks {
    return {
      keys: this.keys.map((k) => ({ ...k.publicJwk, kty: k.publicJwk.kty ?? '', kid: k.kid, alg: k.alg, use: 'sig' })),
    };
  }

  describe(): string {
    const list = `${this.keys.length} key(s), active ${this.active.kid} (${this.active.alg})`;
    return this.source === 'configuration'
      ? `${list} from auth.signing-keys`
      : `${list}: a development key, generated at start and shared through Redis (encrypted) — development only, configure auth.signing-keys`;
  }
}

export function keyringFromConfig(entries: SigningKeyConfig[]): Keyring {
  return new Keyring(entries.map(signingKey), 'configuration');
}

const KEY_INFO = 'phzzk-auth-dev-signing-key-v1';

function sealingKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), KEY_INFO, 32));
}

/** AES-256-GCM: base64url of `iv (12) | tag (16) | ciphertext`, the kid as authenticated data. */
export function sealPem(secret: string, kid: string, pem: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const body = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function openPem(secret: string, kid: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/**
 * For the `dev` profile without configured keys: the first auth instance generates an RSA key and
 * stores it in Redis (SET NX) encrypted with the development key secret (`.phzzk/credentials.json`),
 * never as plain PEM; every instance with the same secret reads the same one, so tokens verify
 * everywhere. The Redis key names a fingerprint of the secret: another secret means another key.
 */
export async function generatedKeyring(redis: Redis, redisKey: string, secret: string): Promise<Keyring> {
  const fingerprint = createHash('sha256').update(`${KEY_INFO}:${secret}`).digest('hex').slice(0, 16);
  const key = `${redisKey}:${fingerprint}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `dev-${randomBytes(6).toString('hex')}`;
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await redis.set(key, JSON.stringify({ kid, sealed: sealPem(secret, kid, pem) }), 'NX');
  // Earlier versions kept the key as plain PEM under the bare name: it must not linger.
  await redis.del(redisKey);
  const stored = JSON.parse((await redis.get(key)) ?? '{}') as { kid?: string; sealed?: string };
  if (typeof stored.kid !== 'string' || typeof stored.sealed !== 'string') {
    throw new Error(`the development signing key at ${key} is unreadable; delete it to generate a new one`);
  }
  return new Keyring(
    [signingKey({ kid: stored.kid, privateKeyPem: openPem(secret, stored.kid, stored.sealed), active: true })],
    'generated',
  );
}

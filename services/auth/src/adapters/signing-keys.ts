import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
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
      : `${list}: generated at start and shared through Redis — development only, configure auth.signing-keys`;
  }
}

export function keyringFromConfig(entries: SigningKeyConfig[]): Keyring {
  return new Keyring(entries.map(signingKey), 'configuration');
}

/**
 * For `npm start` without configured keys: the first auth instance generates an RSA key and
 * stores it in Redis (SET NX), every other instance reads the same one, so tokens verify everywhere.
 */
export async function generatedKeyring(redis: Redis, redisKey: string): Promise<Keyring> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const candidate = {
    kid: `dev-${randomBytes(6).toString('hex')}`,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
  await redis.set(redisKey, JSON.stringify(candidate), 'NX');
  const stored = JSON.parse((await redis.get(redisKey)) ?? JSON.stringify(candidate)) as SigningKeyConfig;
  return new Keyring([signingKey({ ...stored, active: true })], 'generated');
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// A stream key is `live_<channel id, 32 hex>_<secret>`, the secret being 32 random bytes (256 bits)
// in base64url. The channel part lets authorization find the one digest to compare with, so the
// comparison of secrets is a single constant-time one (and no lookup is keyed by a secret).
const PREFIX = 'live_';
const SECRET_BYTES = 32;
const KEY = /^live_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function generateStreamKey(channelId: string, random: (n: number) => Buffer = randomBytes): string {
  return `${PREFIX}${channelId.replaceAll('-', '')}_${random(SECRET_BYTES).toString('base64url')}`;
}

/** The channel a key claims to belong to, or undefined when it is not a stream key at all. */
export function channelIdOfKey(key: string): string | undefined {
  const hex = KEY.exec(key)?.[1];
  if (!hex) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** SHA-256 is enough for a 256-bit random secret: there is nothing to brute-force. */
export const streamKeyDigest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** Constant-time comparison of a presented key with a stored digest. */
export function streamKeyMatches(key: string, storedDigest: Buffer | undefined): boolean {
  const presented = streamKeyDigest(key);
  // Compare against a digest of the same length either way, so a miss costs what a hit costs.
  const stored = storedDigest?.length === presented.length ? storedDigest : Buffer.alloc(presented.length);
  return timingSafeEqual(presented, stored) && storedDigest !== undefined;
}

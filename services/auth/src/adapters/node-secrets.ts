import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Secrets } from '../domain/ports.ts';

/** Randomness and hashing from node:crypto (a CSPRNG). */
export const nodeSecrets: Secrets = {
  token: (bytes) => randomBytes(bytes).toString('base64url'),
  uuid: () => randomUUID(),
  sha256: (value) => createHash('sha256').update(value).digest('base64url'),
  equal: (a, b) => {
    const x = createHash('sha256').update(a).digest();
    const y = createHash('sha256').update(b).digest();
    return timingSafeEqual(x, y);
  },
};

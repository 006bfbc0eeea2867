import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Secrets } from '../domain/ports.ts';

/** The sealing key: a hash of the secret under its own label, never the hash used as a lookup key. */
const sealKey = (secret: string) => createHash('sha256').update('phzzk-auth-seal\0').update(secret).digest();

/** Randomness, hashing and sealing from node:crypto (a CSPRNG, AES-256-GCM). */
export const nodeSecrets: Secrets = {
  token: (bytes) => randomBytes(bytes).toString('base64url'),
  uuid: () => randomUUID(),
  sha256: (value) => createHash('sha256').update(value).digest('base64url'),
  equal: (a, b) => {
    const x = createHash('sha256').update(a).digest();
    const y = createHash('sha256').update(b).digest();
    return timingSafeEqual(x, y);
  },
  seal: (plaintext, secret) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  },
  open: (sealed, secret) => {
    const box = Buffer.from(sealed, 'base64url');
    if (box.length < 28) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), box.subarray(0, 12));
      decipher.setAuthTag(box.subarray(12, 28));
      return Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  },
};

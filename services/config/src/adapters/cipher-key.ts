import { type CipherKey, deriveCipherKey } from '../domain/cipher.ts';

/**
 * The encryption key from configuration (`encrypt.key`, env ENCRYPT_KEY), derived once at start.
 * Null when none is set: `{cipher}` values are then served as `invalid.<key>` and /encrypt says NO_KEY.
 */
export function cipherKeyFrom(secret: string | undefined): CipherKey | null {
  return secret ? deriveCipherKey(secret) : null;
}

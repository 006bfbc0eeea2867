import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scryptSync } from 'node:crypto';

/*
 * `{cipher}` values. The text after `{cipher}` is base64url (no padding) of
 *
 *   version (1 byte, 0x01) | salt (16) | iv (12) | tag (16) | ciphertext
 *
 * AES-256-GCM. The master key is scrypt(ENCRYPT_KEY, "phzzk-config-cipher-v1", N=2^15, r=8, p=1),
 * derived once at start (slow on purpose: ENCRYPT_KEY may be a passphrase); each value gets its own
 * key HKDF-SHA256(master, salt, "phzzk-config-cipher-v1 aes-256-gcm") and a random IV. The header
 * (version|salt|iv) is authenticated data, so any changed byte, or another key, fails the tag check.
 * base64url keeps values safe in YAML, URLs and form bodies (`+` and `/` never appear).
 */

export const CIPHER_PREFIX = '{cipher}';
const VERSION = 0x01;
const SALT = 16;
const IV = 12;
const TAG = 16;
const HEADER = 1 + SALT + IV;
const INFO = 'phzzk-config-cipher-v1 aes-256-gcm';

/** The master key a passphrase stands for. */
export type CipherKey = { readonly bytes: Buffer };

export class CipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CipherError';
  }
}

export function deriveCipherKey(secret: string): CipherKey {
  if (secret.length === 0) throw new CipherError('the encryption key is empty');
  const bytes = scryptSync(secret.normalize('NFC'), 'phzzk-config-cipher-v1', 32, {
    N: 2 ** 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  return { bytes };
}

function valueKey(key: CipherKey, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key.bytes, salt, INFO, 32));
}

export function encryptValue(key: CipherKey, plaintext: string): string {
  const salt = randomBytes(SALT);
  const iv = randomBytes(IV);
  const header = Buffer.concat([Buffer.from([VERSION]), salt, iv]);
  const cipher = createCipheriv('aes-256-gcm', valueKey(key, salt), iv);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([header, cipher.getAuthTag(), body]).toString('base64url');
}

export function decryptValue(key: CipherKey, text: string): string {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9_-]+$/.test(trimmed)) throw new CipherError('not a PHZZK cipher text (base64url expected)');
  const data = Buffer.from(trimmed, 'base64url');
  if (data.length < HEADER + TAG) throw new CipherError('cipher text too short');
  if (data[0] !== VERSION) throw new CipherError(`unknown cipher version ${data[0]}`);
  const header = data.subarray(0, HEADER);
  const salt = data.subarray(1, 1 + SALT);
  const iv = data.subarray(1 + SALT, HEADER);
  const tag = data.subarray(HEADER, HEADER + TAG);
  const decipher = createDecipheriv('aes-256-gcm', valueKey(key, salt), iv);
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  try {
    const plain = Buffer.concat([decipher.update(data.subarray(HEADER + TAG)), decipher.final()]);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    // GCM cannot tell a wrong key from a tampered value, and must not say more than that.
    throw new CipherError('cannot decrypt: wrong key or tampered value');
  }
}

import { CIPHER_PREFIX } from './cipher.ts';
import { emptySource, type PropertySource } from './types.ts';

export type Decrypt = (cipherText: string) => string;

/**
 * Spring's CipherEnvironmentEncryptor: every `{cipher}` value is replaced by its plain text. A
 * value that cannot be decrypted (no key, wrong key, tampered) is served as `invalid.<key>` with
 * the value `<n/a>`, never as the cipher text or garbage, and reported through `onInvalid`.
 */
export function decryptSources(
  sources: readonly PropertySource[],
  decrypt: Decrypt | null,
  onInvalid: (key: string, sourceName: string, reason: string) => void,
): PropertySource[] {
  return sources.map((ps) => {
    const entries = Object.entries(ps.source);
    if (!entries.some(([, v]) => typeof v === 'string' && v.startsWith(CIPHER_PREFIX))) return ps;
    const source = emptySource();
    for (const [k, v] of entries) source[k] = v;
    for (const [key, value] of entries) {
      if (typeof value !== 'string' || !value.startsWith(CIPHER_PREFIX)) continue;
      // Spring removes and re-adds the entry, so decrypted keys move to the end of the source.
      delete source[key];
      try {
        if (!decrypt) throw new Error('no encryption key is configured (ENCRYPT_KEY)');
        source[key] = decrypt(value.slice(CIPHER_PREFIX.length));
      } catch (error) {
        source[`invalid.${key}`] = '<n/a>';
        onInvalid(key, ps.name, (error as Error).message);
      }
    }
    return { name: ps.name, source };
  });
}

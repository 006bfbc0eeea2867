import { describe, expect, it } from 'vitest';
import { CipherError, decryptValue, deriveCipherKey, encryptValue } from '../src/domain/cipher.ts';
import { decryptSources } from '../src/domain/decrypt-sources.ts';

const key = deriveCipherKey('correct horse battery staple');
const other = deriveCipherKey('another key entirely');

describe('{cipher} values', () => {
  it('round-trips, with a fresh salt and IV every time, as base64url', () => {
    const a = encryptValue(key, 'pä55word ✓');
    const b = encryptValue(key, 'pä55word ✓');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(a, 'base64url')[0]).toBe(1);
    expect(decryptValue(key, a)).toBe('pä55word ✓');
  });

  it('refuses a tampered value, another key, and garbage', () => {
    const text = encryptValue(key, 'secret');
    const bytes = Buffer.from(text, 'base64url');
    for (const at of [0, 5, 20, 35, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      expect(() => decryptValue(key, tampered.toString('base64url'))).toThrow(CipherError);
    }
    expect(() => decryptValue(other, text)).toThrow(/wrong key or tampered/);
    expect(() => decryptValue(key, 'not+base64url/')).toThrow(CipherError);
    expect(() => decryptValue(key, 'AAAA')).toThrow(/too short/);
  });

  it('serves an undecryptable value as invalid.<key> = <n/a>, like Spring', () => {
    const good = encryptValue(key, 's3cret');
    const bad = encryptValue(other, 'x');
    const seen: string[] = [];
    const [source] = decryptSources(
      [
        {
          name: 'r/app.yml',
          source: { a: 1, 'db.password': `{cipher}${good}`, 'api.key': `{cipher}${bad}`, z: 'plain' },
        },
      ],
      (t) => decryptValue(key, t),
      (k) => seen.push(k),
    );
    expect(source?.source).toEqual({ a: 1, z: 'plain', 'db.password': 's3cret', 'invalid.api.key': '<n/a>' });
    expect(Object.keys(source?.source ?? {})).toEqual(['a', 'z', 'db.password', 'invalid.api.key']);
    expect(seen).toEqual(['api.key']);
    const [noKey] = decryptSources([{ name: 'n', source: { p: `{cipher}${good}` } }], null, () => {});
    expect(noKey?.source).toEqual({ 'invalid.p': '<n/a>' });
  });
});

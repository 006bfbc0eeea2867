import { describe, expect, it } from 'vitest';
import { AesStreamKeySealer } from './aes-stream-key-sealer.ts';

const a = '0190a6b0-0000-7000-8000-00000000000a';
const b = '0190a6b0-0000-7000-8000-00000000000b';

describe('AesStreamKeySealer', () => {
  it('opens what it sealed for the same channel only, under the same secret only', () => {
    const sealer = new AesStreamKeySealer('a-secret-of-at-least-16');
    const sealed = sealer.seal(a, 'live_key');
    expect(sealed.includes(Buffer.from('live_key'))).toBe(false);
    expect(sealer.open(a, sealed)).toBe('live_key');
    expect(sealer.seal(a, 'live_key').equals(sealed)).toBe(false);
    expect(sealer.open(b, sealed)).toBeUndefined();
    expect(new AesStreamKeySealer('another-secret-of-16').open(a, sealed)).toBeUndefined();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(sealer.open(a, tampered)).toBeUndefined();
    expect(sealer.open(a, Buffer.alloc(3))).toBeUndefined();
  });
});

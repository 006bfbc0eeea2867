import { describe, expect, it } from 'vitest';
import { checkNickname } from './nickname.ts';
import { nicknameSkeleton } from './nickname-skeleton.ts';

describe('nickname skeleton (UTS #39)', () => {
  it('maps look-alikes from other scripts to one skeleton', () => {
    expect(nicknameSkeleton('ѕecA1')).toBe(nicknameSkeleton('secA1')); // Cyrillic dze
    expect(nicknameSkeleton('аdmin')).toBe(nicknameSkeleton('admin')); // Cyrillic a
    expect(nicknameSkeleton('Ρaypal')).toBe(nicknameSkeleton('Paypal')); // Greek Rho
    expect(nicknameSkeleton('rnoon')).toBe(nicknameSkeleton('moon')); // "rn" looks like "m"
    expect(nicknameSkeleton('ＳｅｃＡ１')).toBe(nicknameSkeleton('secA1')); // fullwidth
  });

  it('is case-insensitive and keeps different names apart', () => {
    expect(nicknameSkeleton('SECA1')).toBe(nicknameSkeleton('seca1'));
    expect(nicknameSkeleton('ADMIN')).toBe(nicknameSkeleton('admin'));
    expect(nicknameSkeleton('secB1')).not.toBe(nicknameSkeleton('secA1'));
    expect(nicknameSkeleton('스트리머')).not.toBe(nicknameSkeleton('시청자'));
    expect(nicknameSkeleton('스트리머')).toBe(nicknameSkeleton('스트리머'));
  });
});

describe('nickname rules: invisible characters and reserved look-alikes', () => {
  it('refuses every default-ignorable code point and the blank fillers', () => {
    const invisible = [
      '\uFE0F', // variation selector-16
      '\u034F', // combining grapheme joiner
      '\u180B', // Mongolian free variation selector one
      '\u200C', // zero width non-joiner
      '\u200D', // zero width joiner
      '\u00AD', // soft hyphen
      '\u2800', // Braille pattern blank
      '\u3164', // Hangul filler
      '\u115F', // Hangul choseong filler
      '\uFFA0', // halfwidth Hangul filler
      '\u{E0041}', // tag letter A
      '\u{1D173}', // musical symbol begin beam
    ];
    for (const c of invisible) {
      expect(checkNickname(`sec${c}A1`), `U+${c.codePointAt(0)?.toString(16)}`).toMatchObject({
        ok: false,
        reason: 'CHARACTERS',
      });
    }
  });

  it('refuses look-alikes of reserved names', () => {
    expect(checkNickname('аdmin')).toMatchObject({ ok: false, reason: 'RESERVED' }); // Cyrillic a
    expect(checkNickname('ADMΙN')).toMatchObject({ ok: false, reason: 'RESERVED' }); // Greek Iota
    expect(checkNickname('adrnin')).toMatchObject({ ok: false, reason: 'RESERVED' }); // rn for m
    expect(checkNickname('ѕyѕtem')).toMatchObject({ ok: false, reason: 'RESERVED' }); // Cyrillic dze
    expect(checkNickname('phzzk')).toMatchObject({ ok: false, reason: 'RESERVED' });
    expect(checkNickname('adminfan')).toMatchObject({ ok: true });
  });
});

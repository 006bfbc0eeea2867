import { describe, expect, it } from 'vitest';
import { checkNickname } from './nickname.ts';

describe('nickname rules', () => {
  it('accepts Korean and other scripts, normalizing and trimming', () => {
    expect(checkNickname('  스트리머  ')).toEqual({ ok: true, nickname: '스트리머' });
    expect(checkNickname('ＦＵＬＬwidth')).toEqual({ ok: true, nickname: 'FULLwidth' });
    expect(checkNickname("<b>O'Brien</b>")).toMatchObject({ ok: true });
  });

  it('refuses bad lengths, invisible characters and reserved names', () => {
    expect(checkNickname('a')).toMatchObject({ ok: false, reason: 'LENGTH' });
    expect(checkNickname('가'.repeat(21))).toMatchObject({ ok: false, reason: 'LENGTH' });
    expect(checkNickname('ab\u200bcd')).toMatchObject({ ok: false, reason: 'CHARACTERS' });
    expect(checkNickname('evil\u202eadmin')).toMatchObject({ ok: false, reason: 'CHARACTERS' });
    expect(checkNickname('a\u3164b')).toMatchObject({ ok: false, reason: 'CHARACTERS' });
    expect(checkNickname('two  spaces')).toMatchObject({ ok: false, reason: 'CHARACTERS' });
    expect(checkNickname('Admin')).toMatchObject({ ok: false, reason: 'RESERVED' });
  });
});

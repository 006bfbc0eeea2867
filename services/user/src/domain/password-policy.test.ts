import { describe, expect, it } from 'vitest';
import { checkPassword, passwordLength } from './password-policy.ts';

const reason = (password: string, context = {}) => {
  const verdict = checkPassword(password, context);
  return verdict.ok ? 'OK' : verdict.reason;
};

describe('password policy', () => {
  it('accepts long, unusual passwords of any script, spaces included, without composition rules', () => {
    for (const p of [
      'correct horse battery staple',
      'Tr0ub4dor&3x!',
      '달빛 아래 고양이가 춤춘다',
      'zK8#mQ2$vL9!',
      'plain lowercase words here',
    ]) {
      expect(reason(p)).toBe('OK');
    }
  });

  it('counts characters as code points and enforces 10..128', () => {
    expect(passwordLength('가나다라마바사아자차')).toBe(10);
    expect(reason('Short1!x')).toBe('TOO_SHORT');
    expect(reason('가나다라마바사아자')).toBe('TOO_SHORT');
    expect(reason(`${'Ab3$efgh'.repeat(16)}x`)).toBe('TOO_LONG');
  });

  it('refuses the most common passwords and their decorated forms', () => {
    for (const p of [
      '1234567890',
      'password123',
      'Password2024!',
      'p@ssw0rd!!',
      'qwerty123456',
      'iloveyou12',
      '1q2w3e4r5t',
      'qwer1234!!',
      'sunshine99!',
      'PASSWORD!!!!',
    ]) {
      expect(reason(p), p).toBe('TOO_COMMON');
    }
  });

  it('refuses one character, short repeated patterns and sequences', () => {
    expect(reason('aaaaaaaaaaaa')).toBe('REPETITIVE');
    expect(reason('abababababab')).toBe('REPETITIVE');
    expect(reason('xyzxyzxyzxyz')).toBe('REPETITIVE');
    expect(reason('abcdefghijkl')).toBe('SEQUENCE');
    expect(reason('lkjihgfedcba')).toBe('SEQUENCE');
    expect(reason('wertyuiop12')).toBe('SEQUENCE');
    expect(reason('9876543210ab')).toBe('SEQUENCE');
  });

  it('refuses the email name, the nickname and the site name', () => {
    expect(reason('johnsmith-2024', { email: 'JohnSmith@example.com' })).toBe('CONTAINS_PERSONAL_INFO');
    expect(reason('my 스트리머 pass!', { nickname: '스트리머' })).toBe('CONTAINS_PERSONAL_INFO');
    expect(reason('i love phzzk so much')).toBe('CONTAINS_PERSONAL_INFO');
    expect(reason('a fine passphrase', { email: 'jo@example.com' })).toBe('OK');
  });
});

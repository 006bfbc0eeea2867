export const NICKNAME_MIN_LENGTH = 2;
export const NICKNAME_MAX_LENGTH = 20;

export type NicknameVerdict = { ok: true; nickname: string } | { ok: false; reason: string; message: string };

// Names that would let a user pass as the platform or its staff.
const RESERVED = new Set([
  'admin',
  'administrator',
  'root',
  'system',
  'phzzk',
  'moderator',
  'staff',
  '관리자',
  '운영자',
]);

/**
 * A nickname is 2-20 characters after Unicode normalization (Korean and other scripts allowed).
 * Control, format and invisible characters (zero-width, bidi overrides) are refused because they
 * let one name impersonate another; everything else is data, stored and returned as it is.
 */
export function checkNickname(raw: string): NicknameVerdict {
  const nickname = raw.normalize('NFKC').trim();
  const length = [...nickname].length;
  if (length < NICKNAME_MIN_LENGTH || length > NICKNAME_MAX_LENGTH)
    return {
      ok: false,
      reason: 'LENGTH',
      message: `A nickname has ${NICKNAME_MIN_LENGTH} to ${NICKNAME_MAX_LENGTH} characters.`,
    };
  if (/[\p{C}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/u.test(nickname) || /\s{2,}/u.test(nickname))
    return { ok: false, reason: 'CHARACTERS', message: 'A nickname cannot contain control or invisible characters.' };
  if (RESERVED.has(nickname.toLowerCase()))
    return { ok: false, reason: 'RESERVED', message: 'This nickname is reserved.' };
  return { ok: true, nickname };
}

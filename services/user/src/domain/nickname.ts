export const NICKNAME_MIN_LENGTH = 2;
export const NICKNAME_MAX_LENGTH = 20;

import { nicknameSkeleton } from './nickname-skeleton.ts';

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
/** Reserved names are compared by skeleton: "аdmin" (Cyrillic а) is as reserved as "admin". */
const RESERVED_SKELETONS = new Set([...RESERVED].map(nicknameSkeleton));

/**
 * Characters that show nothing: every Default_Ignorable_Code_Point (zero-width joiners, variation
 * selectors such as U+FE0F, the combining grapheme joiner U+034F, Mongolian free variation
 * selectors U+180B-U+180F, Hangul fillers, bidi controls, soft hyphen...) plus the blanks that are
 * not default-ignorable but render as nothing: the Braille blank U+2800, the Hangul fillers
 * U+115F/U+1160/U+3164/U+FFA0, and the other control, format and line/paragraph separators.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{C}\p{Zl}\p{Zp}\u2800\u115F\u1160\u3164\uFFA0]/u;

/**
 * A nickname is 2-20 characters after Unicode normalization (Korean and other scripts allowed).
 * Control, format and invisible characters (default-ignorable code points, zero-width, bidi
 * overrides, blank fillers) are refused because they let one name impersonate another, and so
 * are names that look like a reserved one (by UTS #39 skeleton); everything else is data, stored
 * and returned as it is. Look-alikes of names already taken are refused by the store (a unique
 * skeleton column).
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
  if (INVISIBLE.test(nickname) || /\s{2,}/u.test(nickname))
    return { ok: false, reason: 'CHARACTERS', message: 'A nickname cannot contain control or invisible characters.' };
  if (RESERVED.has(nickname.toLowerCase()) || RESERVED_SKELETONS.has(nicknameSkeleton(nickname)))
    return { ok: false, reason: 'RESERVED', message: 'This nickname is reserved.' };
  return { ok: true, nickname };
}

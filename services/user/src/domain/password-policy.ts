import { COMMON_PASSWORDS } from './common-passwords.ts';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordWeakness =
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'TOO_COMMON'
  | 'REPETITIVE'
  | 'SEQUENCE'
  | 'CONTAINS_PERSONAL_INFO';

export type PasswordVerdict = { ok: true } | { ok: false; reason: PasswordWeakness; message: string };

const COMMON = new Set(COMMON_PASSWORDS);
const SITE_WORDS = ['phzzk', 'chzzk'];
// Rows a lazy finger walks; doubled and reversed below so that wrap-around and backwards runs count.
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  '1q2w3e4r5t6y7u8i9o0p',
  'qazwsxedcrfvtgbyhnujmikolp',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ',
  '가나다라마바사아자차카타파하',
];
const SEQUENCE_TEXT = SEQUENCES.flatMap((s) => [s + s, [...(s + s)].reverse().join('')]).join(' ');
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'i',
  '!': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
};

/** Unicode code points, not UTF-16 units: a Korean syllable or an emoji is one character. */
export const passwordLength = (password: string): number => [...password.normalize('NFKC')].length;

const deLeet = (s: string) => [...s].map((c) => LEET[c] ?? c).join('');
const stripDecoration = (s: string) => s.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');

/** The password with its smallest repeating unit collapsed: "abcabcabc" -> "abc". */
function repeatingUnit(s: string): string {
  const chars = [...s];
  for (let p = 1; p <= chars.length / 2; p++) {
    if (chars.every((c, i) => i < p || c === chars[i - p])) return chars.slice(0, p).join('');
  }
  return s;
}

function isCommon(lower: string): boolean {
  const variants = new Set<string>();
  for (const c of [lower, repeatingUnit(lower)]) {
    variants.add(c);
    variants.add(c.replace(/[^\p{L}\p{N}]+$/u, ''));
    variants.add(stripDecoration(c));
  }
  for (const v of [...variants]) {
    const plain = deLeet(v);
    variants.add(plain);
    variants.add(plain.replace(/[^\p{L}\p{N}]+$/u, ''));
    variants.add(stripDecoration(plain));
  }
  return [...variants].some((c) => c.length > 0 && COMMON.has(c));
}

/** What is left after removing every run of 4+ characters that follow a sequence (abcd, 4321, qwer). */
function withoutSequences(lower: string): string {
  const chars = [...lower];
  let rest = '';
  let i = 0;
  while (i < chars.length) {
    let j = i + 1;
    while (j < chars.length && SEQUENCE_TEXT.includes(chars.slice(i, j + 1).join(''))) j++;
    if (j - i >= 4) i = j;
    else rest += chars[i++];
  }
  return rest;
}

function personalWords(context: { email?: string; nickname?: string }): string[] {
  const words = [...SITE_WORDS];
  const local = context.email?.split('@')[0]?.split('+')[0]?.toLowerCase();
  if (local && local.length >= 3) words.push(local);
  const nick = context.nickname?.normalize('NFKC').trim().toLowerCase();
  if (nick && [...nick].length >= 3) words.push(nick);
  return words;
}

/**
 * The password policy (ASVS V2.1 / V6.2): length 10-128 characters of any kind (spaces and
 * Unicode allowed, no composition rules, never truncated), and no password that is common,
 * repetitive, a keyboard or alphabet sequence, or built from the user's email or nickname.
 */
export function checkPassword(password: string, context: { email?: string; nickname?: string } = {}): PasswordVerdict {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH)
    return { ok: false, reason: 'TOO_SHORT', message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (length > PASSWORD_MAX_LENGTH)
    return { ok: false, reason: 'TOO_LONG', message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  const lower = password.normalize('NFKC').toLowerCase();
  if (new Set(lower).size <= 2 || repeatingUnit(lower).length <= 3)
    return { ok: false, reason: 'REPETITIVE', message: 'The password repeats the same few characters.' };
  if (isCommon(lower))
    return { ok: false, reason: 'TOO_COMMON', message: 'This password is among the most commonly used ones.' };
  if ([...withoutSequences(lower)].length < 4)
    return { ok: false, reason: 'SEQUENCE', message: 'The password is mostly a keyboard or alphabet sequence.' };
  const compact = lower.replace(/[\s._-]+/g, '');
  const personal = personalWords(context).find(
    (w) => lower.includes(w) || compact.includes(w.replace(/[\s._-]+/g, '')),
  );
  if (personal)
    return {
      ok: false,
      reason: 'CONTAINS_PERSONAL_INFO',
      message: 'The password must not contain your email name, your nickname or the site name.',
    };
  return { ok: true };
}

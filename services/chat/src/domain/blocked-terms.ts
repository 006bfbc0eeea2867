// Blocked terms: plain words a channel refuses in messages, matched case-insensitively anywhere in
// the text, with `*` standing for any run of characters (none included). Users never supply regular
// expressions: a term is matched by a linear-time wildcard matcher, so no term can make matching slow.

export const BLOCKED_TERMS_MAX = 500;
export const BLOCKED_TERM_MAX_LENGTH = 100;

export type TermsCheck = { ok: true; terms: string[] } | { ok: false; detail: string };

/** Normalizes a channel's list: trimmed, lower-cased, `**` collapsed, duplicates dropped. */
export function normalizeTerms(input: readonly string[]): TermsCheck {
  if (input.length > BLOCKED_TERMS_MAX) return { ok: false, detail: `at most ${BLOCKED_TERMS_MAX} terms` };
  const seen = new Set<string>();
  for (const raw of input) {
    const term = raw
      .trim()
      .toLowerCase()
      .replace(/\*{2,}/g, '*');
    if (term.length === 0 || term.length > BLOCKED_TERM_MAX_LENGTH) {
      return { ok: false, detail: `a term is 1-${BLOCKED_TERM_MAX_LENGTH} characters` };
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
    if (/[\u0000-\u001f\u007f]/.test(term)) return { ok: false, detail: 'a term holds no control characters' };
    if (term.replaceAll('*', '').length === 0) return { ok: false, detail: 'a term needs more than wildcards' };
    seen.add(term);
  }
  return { ok: true, terms: [...seen] };
}

/** The first term the text contains, or undefined. */
export function findBlockedTerm(text: string, terms: readonly string[]): string | undefined {
  if (terms.length === 0) return undefined;
  const haystack = text.toLowerCase();
  return terms.find((term) => containsPattern(haystack, term));
}

/**
 * Whether `text` contains a substring matching `pattern` (`*` = any run). Greedy two-pointer
 * wildcard matching on `*pattern*`: O(text × pattern) in the worst case, no backtracking blow-up.
 */
export function containsPattern(text: string, pattern: string): boolean {
  const p = `*${pattern}*`;
  let t = 0;
  let i = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (i < p.length && p[i] !== '*' && p[i] === text[t]) {
      i++;
      t++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      mark = t;
    } else if (star !== -1) {
      i = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (i < p.length && p[i] === '*') i++;
  return i === p.length;
}

import { describe, expect, it } from 'vitest';
import { containsPattern, findBlockedTerm, normalizeTerms } from './blocked-terms.ts';

describe('blocked terms', () => {
  it('matches case-insensitively anywhere, with * as any run (none included)', () => {
    const { terms } = normalizeTerms(['Bad*Word', 'spam']) as { terms: string[] };
    expect(findBlockedTerm('this is BADxxWORD here', terms)).toBe('bad*word');
    expect(findBlockedTerm('badword', terms)).toBe('bad*word');
    expect(findBlockedTerm('SPAMMER', terms)).toBe('spam');
    expect(findBlockedTerm('a word that is bad', terms)).toBeUndefined();
    expect(findBlockedTerm('스팸 아님', ['스팸'])).toBe('스팸');
  });

  it('treats regular-expression syntax as plain text', () => {
    expect(containsPattern('a.b', 'a.b')).toBe(true);
    expect(containsPattern('axb', 'a.b')).toBe(false);
    expect(containsPattern('(x)', '(x)')).toBe(true);
    expect(containsPattern('aaa', 'a+')).toBe(false);
  });

  it('stays fast on adversarial patterns (no backtracking blow-up)', () => {
    const started = performance.now();
    expect(containsPattern('a'.repeat(500), `${'a*'.repeat(40)}b`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('normalizes lists and refuses bad ones', () => {
    expect(normalizeTerms([' Foo ', 'foo', 'a**b'])).toEqual({ ok: true, terms: ['foo', 'a*b'] });
    for (const bad of [['***'], [''], ['x'.repeat(101)], ['a\u0001'], Array.from({ length: 501 }, (_, i) => `${i}`)]) {
      expect(normalizeTerms(bad).ok).toBe(false);
    }
  });
});

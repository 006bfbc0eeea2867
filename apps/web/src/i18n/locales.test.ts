import { describe, expect, it } from 'vitest';
import { negotiateLocale, pickLocale } from './locales.ts';
import en from './messages/en.json' with { type: 'json' };
import ko from './messages/ko.json' with { type: 'json' };
import { translator } from './translate.ts';

describe('locales', () => {
  it('picks from Accept-Language by quality, Korean by default', () => {
    expect(negotiateLocale('en-US,en;q=0.9')).toBe('en');
    expect(negotiateLocale('ko-KR,ko;q=0.9,en;q=0.8')).toBe('ko');
    expect(negotiateLocale('fr-FR,en;q=0.5,ko;q=0.7')).toBe('ko');
    expect(negotiateLocale('de')).toBe('ko');
    expect(negotiateLocale(undefined)).toBe('ko');
    expect(negotiateLocale('en;q=abc,,;;')).toBe('ko');
  });

  it('lets the switcher cookie win, but only with a known locale', () => {
    expect(pickLocale('en', 'ko')).toBe('en');
    expect(pickLocale('xx', 'en')).toBe('en');
  });

  it('has the same keys in both catalogs, none empty', () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    for (const catalog of [en, ko]) for (const value of Object.values(catalog)) expect(value.trim()).not.toBe('');
  });

  it('fills placeholders and formats numbers per locale', () => {
    expect(translator(en, 'en')('card.viewers', { count: '1,234' })).toBe('1,234 viewers');
    expect(translator(ko, 'ko')('chat.error.SLOW_MODE', { seconds: 3 })).toContain('3초');
    expect(translator(en, 'en')('studio.seconds', { seconds: 12000 })).toBe('12,000 s');
  });
});

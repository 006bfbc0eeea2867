import { cookies, headers } from 'next/headers';
import { type Locale, LOCALE_COOKIE, pickLocale } from './locales.ts';
import en from './messages/en.json';
import ko from './messages/ko.json';
import { type Messages, type Translate, translator } from './translate.ts';

export const CATALOGS: Record<Locale, Messages> = { en, ko };
/** The catalogs as the client receives them (see I18nProvider). */
const CATALOG_JSON: Record<Locale, string> = { en: JSON.stringify(en), ko: JSON.stringify(ko) };
/** One translator per locale for the life of the process (the catalogs do not change). */
const TRANSLATORS = new Map<Locale, Translate>();

/**
 * The request's locale, its catalog as the client receives it (JSON) and a translator, for server
 * components and route handlers.
 */
export async function getI18n(): Promise<{ locale: Locale; catalog: string; t: Translate }> {
  const locale = pickLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get('accept-language'));
  const messages = CATALOGS[locale];
  let t = TRANSLATORS.get(locale);
  if (!t) {
    t = translator(messages, locale);
    TRANSLATORS.set(locale, t);
  }
  return { locale, catalog: CATALOG_JSON[locale], t };
}

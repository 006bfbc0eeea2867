'use client';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { Locale } from './locales.ts';
import { type Messages, type Translate, translator } from './translate.ts';

const I18nContext = createContext<{ locale: Locale; t: Translate } | null>(null);

/** Catalogs parsed before, by their JSON: the server renders every page with one of two. */
const PARSED = new Map<string, Messages>();

function parseCatalog(catalog: string): Messages {
  let messages = PARSED.get(catalog);
  if (!messages) {
    messages = JSON.parse(catalog) as Messages;
    if (PARSED.size < 4) PARSED.set(catalog, messages);
  }
  return messages;
}

/**
 * Gives client components the request's catalog, sent once with the page as one JSON string:
 * as an object its few hundred entries were serialized and parsed back one by one on every
 * server render.
 */
export function I18nProvider({
  locale,
  catalog,
  children,
}: {
  locale: Locale;
  /** The locale's messages as JSON (see `getI18n`). */
  catalog: string;
  children: ReactNode;
}) {
  const value = useMemo(() => ({ locale, t: translator(parseCatalog(catalog), locale) }), [locale, catalog]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): { locale: Locale; t: Translate } {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

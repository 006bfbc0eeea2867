'use client';
import { useRouter } from 'next/navigation';
import { useI18n } from '../i18n/client.tsx';
import { LOCALES } from '../i18n/locales.ts';

const NAMES: Record<(typeof LOCALES)[number], string> = { ko: '한국어', en: 'English' };

/** Sets the language cookie and renders the page again in that language. */
export function LocaleSwitcher() {
  const { locale, t } = useI18n();
  const router = useRouter();
  return (
    <label>
      <span className="sr-only">{t('nav.language')}</span>
      <select
        className="input"
        value={locale}
        aria-label={t('nav.language')}
        onChange={async (event) => {
          await fetch('/session/locale', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ locale: event.target.value }),
          });
          router.refresh();
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

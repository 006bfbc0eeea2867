'use client';
import { useI18n } from '../i18n/client.tsx';

/** An unexpected failure of a page (the platform answered with an error): say so, offer a retry. */
export default function PageError({ reset }: { error: Error; reset: () => void }) {
  const { t } = useI18n();
  return (
    <div className="empty" role="alert">
      <h1>{t('error.pageTitle')}</h1>
      <p className="muted">{t('error.generic')}</p>
      <button type="button" className="btn btn-primary" onClick={reset}>
        {t('error.retry')}
      </button>
    </div>
  );
}

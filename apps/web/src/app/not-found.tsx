import Link from 'next/link';
import { getI18n } from '../i18n/server.ts';

export default async function NotFound() {
  const { t } = await getI18n();
  return (
    <div className="empty">
      <h1>{t('notFound.title')}</h1>
      <p className="muted">{t('notFound.body')}</p>
      <Link className="btn btn-primary" href="/">
        {t('notFound.home')}
      </Link>
    </div>
  );
}

'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useI18n } from '../i18n/client.tsx';
import { LocaleSwitcher } from './locale-switcher.tsx';

export function SiteHeader({ user }: { user: { id: string; nickname: string } | null }) {
  const { t } = useI18n();
  const router = useRouter();
  const logout = async () => {
    await fetch('/session/logout', { method: 'POST' });
    router.push('/');
    router.refresh();
  };
  return (
    <header className="site-header">
      <Link href="/" prefetch={false} className="brand" aria-label={t('nav.home')}>
        PHZZK
      </Link>
      <nav aria-label={t('nav.main')}>
        <Link href="/" prefetch={false}>
          {t('nav.live')}
        </Link>
        {user && (
          <Link href="/studio" prefetch={false}>
            {t('nav.studio')}
          </Link>
        )}
      </nav>
      <div className="header-end">
        <LocaleSwitcher />
        {user ? (
          <>
            <Link href="/settings" data-testid="header-user">
              {user.nickname}
            </Link>
            <button type="button" className="btn btn-small" onClick={logout}>
              {t('nav.logout')}
            </button>
          </>
        ) : (
          <>
            <Link href="/login" prefetch={false} className="btn btn-small">
              {t('nav.login')}
            </Link>
            <Link href="/signup" prefetch={false} className="btn btn-small btn-primary">
              {t('nav.signup')}
            </Link>
          </>
        )}
      </div>
    </header>
  );
}

import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '../components/site-header.tsx';
import { I18nProvider } from '../i18n/client.tsx';
import { getI18n } from '../i18n/server.ts';
import { currentUser } from '../server/viewer.ts';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getI18n();
  return { title: { default: 'PHZZK', template: '%s · PHZZK' }, description: t('site.description') };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { locale, catalog, t } = await getI18n();
  const user = await currentUser();
  return (
    <html lang={locale}>
      <body>
        <I18nProvider locale={locale} catalog={catalog}>
          <a className="skip-link" href="#main">
            {t('nav.skip')}
          </a>
          <SiteHeader user={user ? { id: user.id, nickname: user.nickname } : null} />
          <main id="main">{children}</main>
          <footer className="site-footer">{t('site.footer')}</footer>
        </I18nProvider>
      </body>
    </html>
  );
}

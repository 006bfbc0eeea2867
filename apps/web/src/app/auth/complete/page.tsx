import type { Metadata } from 'next';
import { SocialComplete } from '../../../components/auth/social-complete.tsx';
import { getI18n } from '../../../i18n/server.ts';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getI18n()).t('complete.title') };
}

/** Where the auth service sends a browser back from a provider (`#code=` or `#error=`). */
export default async function CompletePage() {
  const { t } = await getI18n();
  return (
    <>
      <h1>{t('complete.title')}</h1>
      <SocialComplete />
    </>
  );
}

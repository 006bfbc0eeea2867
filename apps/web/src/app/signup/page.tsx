import type { Metadata } from 'next';
import Link from 'next/link';
import { SignupForm } from '../../components/auth/signup-form.tsx';
import { SocialButtons } from '../../components/auth/social-buttons.tsx';
import { getI18n } from '../../i18n/server.ts';
import { socialProviders } from '../../server/providers.ts';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getI18n()).t('signup.title') };
}

export default async function SignupPage() {
  const { t } = await getI18n();
  return (
    <>
      <h1>{t('signup.title')}</h1>
      <SignupForm />
      <SocialButtons providers={await socialProviders()} returnTo="/studio" />
      <p>
        {t('signup.haveAccount')} <Link href="/login">{t('nav.login')}</Link>
      </p>
    </>
  );
}

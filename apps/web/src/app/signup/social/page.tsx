import type { Metadata } from 'next';
import { SocialSignupForm } from '../../../components/auth/social-signup-form.tsx';
import { getI18n } from '../../../i18n/server.ts';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getI18n()).t('socialSignup.title') };
}

/** Finishing a social sign-up: the ticket and email come from /auth/complete (session storage). */
export default async function SocialSignupPage() {
  const { t } = await getI18n();
  return (
    <>
      <h1>{t('socialSignup.title')}</h1>
      <SocialSignupForm />
    </>
  );
}

import Link from 'next/link';
import { SignupForm } from '../../components/auth/signup-form.tsx';
import { SocialButtons } from '../../components/auth/social-buttons.tsx';
import { TitledPage, titleMetadata } from '../../components/titled-page.tsx';
import { getI18n } from '../../i18n/server.ts';
import { socialProviders } from '../../server/providers.ts';

export const dynamic = 'force-dynamic';

export const generateMetadata = titleMetadata('signup.title');

export default async function SignupPage() {
  const { t } = await getI18n();
  return (
    <TitledPage titleKey="signup.title">
      <SignupForm />
      <SocialButtons providers={await socialProviders()} returnTo="/studio" />
      <p>
        {t('signup.haveAccount')} <Link href="/login">{t('nav.login')}</Link>
      </p>
    </TitledPage>
  );
}

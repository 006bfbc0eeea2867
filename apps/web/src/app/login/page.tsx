import Link from 'next/link';
import { LoginForm } from '../../components/auth/login-form.tsx';
import { SocialButtons } from '../../components/auth/social-buttons.tsx';
import { TitledPage, titleMetadata } from '../../components/titled-page.tsx';
import { getI18n } from '../../i18n/server.ts';
import { socialProviders } from '../../server/providers.ts';

export const dynamic = 'force-dynamic';

export const generateMetadata = titleMetadata('login.title');

const safeReturn = (value: string | undefined) => (value?.startsWith('/') && !value.startsWith('//') ? value : '/');

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { t } = await getI18n();
  const query = await searchParams;
  const returnTo = safeReturn(query.returnTo);
  return (
    <TitledPage titleKey="login.title">
      <LoginForm returnTo={returnTo} initialError={query.error ?? null} />
      <SocialButtons providers={await socialProviders()} returnTo={returnTo} />
      <p>
        {t('login.noAccount')} <Link href="/signup">{t('nav.signup')}</Link>
      </p>
    </TitledPage>
  );
}

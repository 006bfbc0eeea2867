import { redirect } from 'next/navigation';
import { SettingsForm } from '../../components/settings-form.tsx';
import { titleMetadata } from '../../components/titled-page.tsx';
import { getI18n } from '../../i18n/server.ts';
import { currentUser } from '../../server/viewer.ts';
import { dateFormat } from '../../i18n/formats.ts';

export const dynamic = 'force-dynamic';

export const generateMetadata = titleMetadata('settings.title');

export default async function SettingsPage() {
  const user = await currentUser();
  if (!user) redirect('/login?returnTo=/settings');
  const { t, locale } = await getI18n();
  const since = dateFormat(locale, { dateStyle: 'long' }).format(new Date(user.createdAt));
  return (
    <>
      <h1>{t('settings.title')}</h1>
      <p className="muted">{t('settings.memberSince', { date: since })}</p>
      <SettingsForm
        user={{
          nickname: user.nickname,
          email: user.email,
          emailChangeable: user.emailChangeable,
          providers: user.identities.map((i) => i.provider),
        }}
      />
    </>
  );
}

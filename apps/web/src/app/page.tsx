import type { Metadata } from 'next';
import { ChannelGrid } from '../components/channel-grid.tsx';
import { getI18n } from '../i18n/server.ts';
import { serverApi } from '../server/api.ts';
import { liveCards } from '../server/directory.ts';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getI18n();
  return { title: t('home.title') };
}

export default async function HomePage() {
  const { t } = await getI18n();
  const { api, accessToken } = await serverApi();
  const cards = await liveCards(api, !!accessToken);
  return (
    <>
      <h1>{t('home.title')}</h1>
      {cards === null ? (
        <p className="empty" role="alert">
          {t('home.unavailable')}
        </p>
      ) : cards.length === 0 ? (
        <div className="empty">
          <p>{t('home.empty')}</p>
          <p className="muted">{t('home.emptyHint')}</p>
        </div>
      ) : (
        <ChannelGrid cards={cards} />
      )}
    </>
  );
}

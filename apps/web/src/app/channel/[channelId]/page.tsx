import Link from 'next/link';
import { ChannelAbout } from '../../../components/channel-about.tsx';
import { ChannelMedia } from '../../../components/vod/channel-media.tsx';
import { getI18n } from '../../../i18n/server.ts';
import { serverApi } from '../../../server/api.ts';
import { titleFromParam } from '../../../server/by-id.ts';
import { channelOr404 } from '../../../server/channel.ts';
import { currentUser } from '../../../server/viewer.ts';
import '../../vod.css';
import { dateFormat } from '../../../i18n/formats.ts';

/** VODs and clips shown before "show more". */
const FIRST_PAGE = 12;

export const dynamic = 'force-dynamic';

export const generateMetadata = titleFromParam('channelId', channelOr404, (channel) => channel.ownerNickname);

/** `/channel/{channelId}`: about and follow, then the channel's VODs and clips (its owner manages the VODs). */
export default async function ChannelPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const channel = await channelOr404(channelId);
  const { api, accessToken } = await serverApi();
  const { t, locale } = await getI18n();
  // Signed in as the owner, the list includes unlisted VODs (the token goes with the request).
  const query = { query: { channelId: channel.id, limit: FIRST_PAGE } };
  const [user, vods, clips] = await Promise.all([
    accessToken ? currentUser() : null,
    api.GET('/api/vods', { params: query }).catch(() => ({ data: undefined })),
    api.GET('/api/clips', { params: query }).catch(() => ({ data: undefined })),
  ]);
  const since = dateFormat(locale, { dateStyle: 'long' }).format(new Date(channel.createdAt));
  return (
    <>
      <ChannelAbout channel={channel} signedIn={!!accessToken} />
      {channel.live.live ? (
        <p>
          <Link className="btn btn-primary" href={`/live/${channel.id}`}>
            {t('channel.watchLive')}
          </Link>
        </p>
      ) : (
        <p className="muted">{t('live.offline')}</p>
      )}
      <section className="panel" aria-labelledby="about-heading">
        <h2 id="about-heading">{t('channel.about')}</h2>
        <p style={{ whiteSpace: 'pre-wrap' }}>{channel.description || t('channel.noDescription')}</p>
        <p className="muted">{t('channel.since', { date: since })}</p>
      </section>
      <ChannelMedia
        channelId={channel.id}
        owner={user?.id === channel.ownerId}
        vods={vods.data ?? null}
        clips={clips.data ?? null}
      />
    </>
  );
}

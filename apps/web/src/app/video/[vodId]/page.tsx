import type { Metadata } from 'next';
import { VodView } from '../../../components/vod/vod-view.tsx';
import { getI18n } from '../../../i18n/server.ts';
import { serverApi } from '../../../server/api.ts';
import { vodOr404 } from '../../../server/media.ts';
import '../../vod.css';
import { dateFormat } from '../../../i18n/formats.ts';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ vodId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const vod = await vodOr404((await params).vodId);
  return { title: vod.title };
}

/** `/video/{vodId}`: the VOD (or the recording of a live broadcast) with its chat replayed beside it. */
export default async function VideoPage({ params }: Params) {
  const vod = await vodOr404((await params).vodId);
  const { api, accessToken } = await serverApi();
  const { locale } = await getI18n();
  const { data: channel } = await api.GET('/api/channels/{id}', { params: { path: { id: vod.channelId } } });
  const date = dateFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(vod.startedAt));
  return (
    <VodView
      vod={vod}
      channel={channel ? { id: channel.id, nickname: channel.ownerNickname } : null}
      date={date}
      signedIn={!!accessToken}
    />
  );
}

import type { Metadata } from 'next';
import { ClipView } from '../../../components/vod/clip-view.tsx';
import { getI18n } from '../../../i18n/server.ts';
import { serverApi } from '../../../server/api.ts';
import { clipOr404 } from '../../../server/media.ts';
import '../../vod.css';
import { dateFormat } from '../../../i18n/formats.ts';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ clipId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const clip = await clipOr404((await params).clipId);
  return { title: clip.title };
}

/** `/clip/{clipId}`: the clip, its title, its channel and an MP4 download. */
export default async function ClipPage({ params }: Params) {
  const clip = await clipOr404((await params).clipId);
  const { api } = await serverApi();
  const { locale } = await getI18n();
  const { data: channel } = await api.GET('/api/channels/{id}', { params: { path: { id: clip.channelId } } });
  const date = dateFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(clip.createdAt));
  return (
    <ClipView
      clip={clip}
      channel={channel ? { id: channel.id, nickname: channel.ownerNickname, title: channel.title } : null}
      date={date}
    />
  );
}

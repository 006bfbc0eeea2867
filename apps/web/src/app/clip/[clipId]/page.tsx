import { ClipView } from '../../../components/vod/clip-view.tsx';
import { titleFromParam } from '../../../server/by-id.ts';
import { clipOr404, mediaContext } from '../../../server/media.ts';
import '../../vod.css';

export const dynamic = 'force-dynamic';

export const generateMetadata = titleFromParam('clipId', clipOr404, (clip) => clip.title);

/** `/clip/{clipId}`: the clip, its title, its channel and an MP4 download. */
export default async function ClipPage({ params }: { params: Promise<{ clipId: string }> }) {
  const clip = await clipOr404((await params).clipId);
  const { channel, date } = await mediaContext(clip.channelId, clip.createdAt);
  return <ClipView clip={clip} channel={channel} date={date} />;
}

import { VodView } from '../../../components/vod/vod-view.tsx';
import { titleFromParam } from '../../../server/by-id.ts';
import { mediaContext, vodOr404 } from '../../../server/media.ts';
import '../../vod.css';

export const dynamic = 'force-dynamic';

export const generateMetadata = titleFromParam('vodId', vodOr404, (vod) => vod.title);

/** `/video/{vodId}`: the VOD (or the recording of a live broadcast) with its chat replayed beside it. */
export default async function VideoPage({ params }: { params: Promise<{ vodId: string }> }) {
  const vod = await vodOr404((await params).vodId);
  const { channel, date, signedIn } = await mediaContext(vod.channelId, vod.startedAt);
  return <VodView vod={vod} channel={channel} date={date} signedIn={signedIn} />;
}

import { CHAT_BEARER_SUBPROTOCOL_PREFIX, CHAT_MESSAGE_MAX_CODE_POINTS, CHAT_SUBPROTOCOL } from '@phzzk/contracts';
import { LiveView } from '../../../components/live-view.tsx';
import { getI18n } from '../../../i18n/server.ts';
import { serverApi } from '../../../server/api.ts';
import { titleFromParam } from '../../../server/by-id.ts';
import { channelOr404 } from '../../../server/channel.ts';

export const dynamic = 'force-dynamic';

export const generateMetadata = titleFromParam(
  'channelId',
  channelOr404,
  (channel) => `${channel.ownerNickname} - ${channel.title}`,
);

export default async function LivePage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const channel = await channelOr404(channelId);
  const { accessToken } = await serverApi();
  await getI18n();
  return (
    <LiveView
      channel={channel}
      signedIn={!!accessToken}
      protocol={{ subprotocol: CHAT_SUBPROTOCOL, bearerPrefix: CHAT_BEARER_SUBPROTOCOL_PREFIX }}
      maxLength={CHAT_MESSAGE_MAX_CODE_POINTS}
    />
  );
}

import { CHAT_BEARER_SUBPROTOCOL_PREFIX, CHAT_MESSAGE_MAX_CODE_POINTS, CHAT_SUBPROTOCOL } from '@phzzk/contracts';
import type { Metadata } from 'next';
import { LiveView } from '../../../components/live-view.tsx';
import { getI18n } from '../../../i18n/server.ts';
import { serverApi } from '../../../server/api.ts';
import { channelOr404 } from '../../../server/channel.ts';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ channelId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const channel = await channelOr404((await params).channelId);
  return { title: `${channel.ownerNickname} - ${channel.title}` };
}

export default async function LivePage({ params }: Params) {
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

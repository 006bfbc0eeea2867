import {
  CHAT_BEARER_SUBPROTOCOL_PREFIX,
  CHAT_MESSAGE_MAX_CODE_POINTS,
  CHAT_SUBPROTOCOL,
  SLOW_MODE_SECONDS,
} from '@phzzk/contracts';
import { redirect } from 'next/navigation';
import { ChannelPending } from '../../components/studio/channel-pending.tsx';
import { Studio } from '../../components/studio/studio.tsx';
import { titleMetadata } from '../../components/titled-page.tsx';
import { serverApi } from '../../server/api.ts';

export const dynamic = 'force-dynamic';

export const generateMetadata = titleMetadata('studio.title');

export default async function StudioPage() {
  const { api, accessToken } = await serverApi();
  if (!accessToken) redirect('/login?returnTo=/studio');
  const { data: channel, response } = await api.GET('/api/channels/me');
  if (!channel) {
    if (response.status === 401) redirect('/login?returnTo=/studio');
    // A new account's channel is made from its user.registered event, a moment after sign-up.
    if (response.status === 404) return <ChannelPending />;
    throw new Error(`studio: the channel API answered ${response.status}`);
  }
  return (
    <Studio
      channel={channel}
      slowModeChoices={[...SLOW_MODE_SECONDS]}
      protocol={{ subprotocol: CHAT_SUBPROTOCOL, bearerPrefix: CHAT_BEARER_SUBPROTOCOL_PREFIX }}
      maxLength={CHAT_MESSAGE_MAX_CODE_POINTS}
    />
  );
}

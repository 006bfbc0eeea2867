'use client';
import type { Channel, LiveInfo } from '@phzzk/contracts';
import { useCallback, useEffect, useState } from 'react';
import type { ChatProtocol } from '../chat/chat-connection.ts';
import { useI18n } from '../i18n/client.tsx';
import { ChannelAbout } from './channel-about.tsx';
import { ChatPanel } from './chat/chat-panel.tsx';
import { LiveRewind } from './vod/live-rewind.tsx';

/** While offline, how often the page asks whether the channel went live (and while live, whether it ended). */
const LIVE_POLL_MS = 5000;

/** `/live/{channelId}`: the player (or the offline card) and the chat side by side. */
export function LiveView({
  channel,
  signedIn,
  protocol,
  maxLength,
}: {
  channel: Channel;
  signedIn: boolean;
  protocol: ChatProtocol;
  maxLength: number;
}) {
  const { t } = useI18n();
  const [live, setLive] = useState<LiveInfo>(channel.live);

  const check = useCallback(async () => {
    const response = await fetch(`/api/channels/${channel.id}/live`, { cache: 'no-store' }).catch(() => undefined);
    if (response?.ok) {
      const next = (await response.json()) as LiveInfo;
      setLive((current) => (current.live === next.live && current.sessionId === next.sessionId ? current : next));
    }
  }, [channel.id]);

  useEffect(() => {
    const timer = setInterval(check, LIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [check]);

  return (
    <div className="live-layout">
      <div className="live-main">
        {live.live && live.hlsUrl ? (
          <LiveRewind
            key={live.sessionId ?? 'live'}
            channelId={channel.id}
            sessionId={live.sessionId}
            src={live.hlsUrl}
            signedIn={signedIn}
            onEnded={check}
          />
        ) : (
          <div className="offline" data-testid="offline-card">
            <p style={{ fontSize: 20, fontWeight: 700, margin: 0 }}>{t('live.offline')}</p>
            <p className="muted" style={{ margin: 0 }}>
              {t('live.offlineHint', { nickname: channel.ownerNickname })}
            </p>
          </div>
        )}
        <ChannelAbout channel={channel} signedIn={signedIn} />
      </div>
      <ChatPanel channelId={channel.id} protocol={protocol} signedIn={signedIn} maxLength={maxLength} />
    </div>
  );
}

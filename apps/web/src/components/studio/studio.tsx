'use client';
import type { Channel, LiveInfo } from '@phzzk/contracts';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { ChatProtocol } from '../../chat/chat-connection.ts';
import { useI18n } from '../../i18n/client.tsx';
import { ChatPanel } from '../chat/chat-panel.tsx';
import { LivePlayer } from '../player/live-player.tsx';
import { ChannelForm } from './channel-form.tsx';
import { ChatModerationPanel } from './chat-moderation-panel.tsx';
import { StreamKeyPanel } from './stream-key-panel.tsx';
import { numberFormat } from '../../i18n/formats.ts';

const POLL_MS = 3000;

interface Health {
  width: number | null;
  height: number | null;
  fps: number | null;
  bitrate: number | null;
  latency: number | null;
}

interface Stats {
  viewers: number;
  messagesPerMinute: number;
}

interface PlayerWindow {
  phzzkPlayer?: {
    latency: number | null;
    hls: { levels: { width: number; height: number; frameRate: number; bitrate: number }[] } | null;
  };
}

/** The streamer's studio: key and ingest, stream info, chat moderation, live preview with input health. */
export function Studio({
  channel,
  slowModeChoices,
  protocol,
  maxLength,
}: {
  channel: Channel;
  slowModeChoices: number[];
  protocol: ChatProtocol;
  maxLength: number;
}) {
  const { t, locale } = useI18n();
  const [live, setLive] = useState<LiveInfo>(channel.live);
  const [health, setHealth] = useState<Health>({ width: null, height: null, fps: null, bitrate: null, latency: null });
  const [stats, setStats] = useState<Stats | null>(null);

  const check = useCallback(async () => {
    const response = await fetch(`/api/channels/${channel.id}/live`, { cache: 'no-store' }).catch(() => undefined);
    if (response?.ok) {
      const next = (await response.json()) as LiveInfo;
      setLive((current) => (current.live === next.live && current.sessionId === next.sessionId ? current : next));
    }
    const statsAnswer = await fetch(`/api/stats/channels/${channel.id}`, { cache: 'no-store' }).catch(() => undefined);
    setStats(statsAnswer?.ok ? ((await statsAnswer.json()) as Stats) : null);
    const player = (window as PlayerWindow).phzzkPlayer;
    // The source rendition (the highest) is what the encoder sends: its size, frame rate, bitrate.
    const source = player?.hls?.levels.reduce<
      { width: number; height: number; frameRate: number; bitrate: number } | undefined
    >((best, l) => (!best || l.height > best.height ? l : best), undefined);
    setHealth({
      width: source?.width ?? null,
      height: source?.height ?? null,
      fps: source?.frameRate || null,
      bitrate: source?.bitrate ?? null,
      latency: player?.latency ?? null,
    });
  }, [channel.id]);

  useEffect(() => {
    void check();
    const timer = setInterval(check, POLL_MS);
    return () => clearInterval(timer);
  }, [check]);

  const number = numberFormat(locale, { maximumFractionDigits: 1 });
  const dash = '—';
  const items: [string, string][] = [
    [t('studio.resolution'), health.width && health.height ? `${health.width}×${health.height}` : dash],
    [t('studio.fps'), health.fps ? number.format(health.fps) : dash],
    [t('studio.bitrate'), health.bitrate ? t('studio.kbps', { value: number.format(health.bitrate / 1000) }) : dash],
    [t('studio.viewers'), stats ? number.format(stats.viewers) : dash],
    [t('studio.chatRate'), stats ? t('studio.perMinute', { value: number.format(stats.messagesPerMinute) }) : dash],
    [
      t('studio.latency'),
      health.latency !== null ? t('studio.secondsShort', { value: number.format(health.latency) }) : dash,
    ],
  ];
  return (
    <>
      <h1>{t('studio.title')}</h1>
      <div className="studio">
        <div>
          <section className="panel" aria-labelledby="preview-heading">
            <h2 id="preview-heading">
              {t('studio.preview')}{' '}
              <span
                className={live.live ? 'badge-live' : 'tag'}
                style={{ position: 'static' }}
                data-testid="studio-live-state"
              >
                {live.live ? t('card.live') : t('live.offline')}
              </span>
            </h2>
            {live.live && live.hlsUrl ? (
              <LivePlayer key={live.sessionId ?? 'live'} channelId={channel.id} src={live.hlsUrl} onEnded={check} />
            ) : (
              <div className="offline">
                <p className="muted">{t('studio.offlineHint')}</p>
              </div>
            )}
            <dl className="stats" style={{ marginTop: 12 }}>
              {items.map(([label, value]) => (
                <div className="stat" key={label}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
            <p>
              <Link href={`/live/${channel.id}`}>{t('studio.openChannel')}</Link>
            </p>
          </section>
          <StreamKeyPanel onRotated={check} />
        </div>
        <div>
          <ChannelForm channel={channel} />
          <ChatModerationPanel channelId={channel.id} slowModeChoices={slowModeChoices} />
          <div style={{ height: 420 }}>
            <ChatPanel channelId={channel.id} protocol={protocol} signedIn maxLength={maxLength} />
          </div>
        </div>
      </div>
    </>
  );
}

'use client';
import type { Vod } from '@phzzk/contracts';
import { useCallback, useRef, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { chatClockAt } from '../../vod/chat-replay.ts';
import { vodClipRange } from '../../vod/clip-range.ts';
import { formatDuration } from '../../vod/format.ts';
import { ChatReplayPanel } from './chat-replay-panel.tsx';
import { ClipButton } from './clip-button.tsx';
import { type MediaChannel, MediaHeading } from './media-heading.tsx';
import { type PlaybackState, VodPlayer } from './vod-player.tsx';

/** `/video/{vodId}`: the player, the title and channel, a clip button, and the chat replayed beside it. */
export function VodView({
  vod,
  channel,
  date,
  signedIn,
}: {
  vod: Vod;
  channel: MediaChannel;
  date: string;
  signedIn: boolean;
}) {
  const { t } = useI18n();
  const playback = useRef<PlaybackState>({ position: 0, duration: vod.durationSeconds, playingDateMs: null });
  const [clock, setClock] = useState(0);
  const [edge, setEdge] = useState(vod.status === 'recording' ? vod.durationSeconds : Number.POSITIVE_INFINITY);
  const sessionStart = Date.parse(vod.startedAt);
  const recording = vod.status === 'recording';

  const onPlayback = useCallback(
    (state: PlaybackState) => {
      playback.current = state;
      const now = chatClockAt(state.position, state.playingDateMs, sessionStart);
      // The chat clock moves in tenths: fewer renders, and still in step with the picture.
      setClock(Math.floor(now * 10) / 10);
      if (recording) setEdge(Math.max(0, now - state.position) + state.duration);
    },
    [sessionStart, recording],
  );

  const clipRequest = useCallback(() => {
    const { position, duration } = playback.current;
    const range = vodClipRange(position, duration || vod.durationSeconds);
    return range ? { vodId: vod.id, ...range } : undefined;
  }, [vod.id, vod.durationSeconds]);

  return (
    <div className="live-layout">
      <div className="live-main">
        <VodPlayer
          src={vod.playlistUrl}
          storyboardUrl={vod.storyboardUrl}
          recording={recording}
          onPlayback={onPlayback}
        >
          <ClipButton
            signedIn={signedIn}
            label={t('clip.buttonLabelVod')}
            returnTo={`/video/${vod.id}`}
            request={clipRequest}
          />
        </VodPlayer>
        <div className="channel-info">
          <MediaHeading kind="vod" title={vod.title} channel={channel} style={{ margin: 0 }}>
            {t('vod.streamedOn', { date })}
            {' · '}
            {t('vod.duration', { duration: formatDuration(vod.durationSeconds) })}
            {vod.visibility === 'unlisted' && <span className="tag vod-tag">{t('vod.unlisted')}</span>}
          </MediaHeading>
          {recording && (
            <p>
              <span className="badge-recording">{t('vod.recording')}</span> {t('video.recordingNote')}
            </p>
          )}
        </div>
      </div>
      <ChatReplayPanel channelId={vod.channelId} sessionId={vod.sessionId} clock={clock} edge={edge} />
    </div>
  );
}

'use client';
import type { KeyboardEvent, ReactNode } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { FullscreenIcon, MutedIcon, PauseIcon, PlayIcon, VolumeIcon } from '../player/icons.tsx';
import type { MediaControls } from './use-media-controls.ts';

type Controls = Pick<MediaControls, 'muted' | 'volume' | 'togglePlay' | 'toggleMute' | 'changeVolume'>;

/** What sets the live and VOD players apart in their frame. */
const FRAMES = {
  live: {
    className: 'player',
    label: 'player.label',
    helpId: 'player-shortcuts',
    help: 'player.shortcuts',
    // The live player takes focus itself for its keyboard shortcuts (the VOD player's seek bar does).
    tabIndex: 0,
  },
  vod: { className: 'player vod-player', label: 'video.player', helpId: 'vod-shortcuts', help: 'video.shortcuts' },
} as const;

/**
 * The frame of the live and VOD players: a labelled section that takes the keyboard shortcuts
 * (described by a hidden help text), the muted autoplaying `<video>` (test id `<kind>-video`; a
 * click plays or pauses), the notices over it, then `children` (the control bar).
 */
export function PlayerFrame({
  kind,
  controls,
  onKeyDown,
  playing,
  error,
  children,
}: {
  kind: keyof typeof FRAMES;
  controls: Controls & Pick<MediaControls, 'video' | 'container'>;
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
  playing: boolean;
  error: boolean;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const frame: { className: string; label: MessageKey; helpId: string; help: MessageKey; tabIndex?: number } =
    FRAMES[kind];
  return (
    <section
      ref={controls.container}
      className={frame.className}
      aria-label={t(frame.label)}
      aria-describedby={frame.helpId}
      onKeyDown={onKeyDown}
      tabIndex={frame.tabIndex}
    >
      <video
        ref={controls.video}
        muted
        autoPlay
        playsInline
        onClick={controls.togglePlay}
        data-testid={`${kind}-video`}
      />
      <p id={frame.helpId} className="sr-only">
        {t(frame.help)}
      </p>
      <PlayerNotices controls={controls} playing={playing} error={error} />
      {children}
    </section>
  );
}

/** Over the picture: a large unmute button while it plays muted, and the playback error. */
export function PlayerNotices({ controls, playing, error }: { controls: Controls; playing: boolean; error: boolean }) {
  const { t } = useI18n();
  return (
    <>
      {controls.muted && playing && (
        <button type="button" className="unmute" onClick={controls.toggleMute}>
          {t('player.unmute')}
        </button>
      )}
      {error && (
        <p role="alert" className="unmute">
          {t('player.error')}
        </p>
      )}
    </>
  );
}

/** Play/pause, mute and the volume slider of the control bar. */
export function PlaybackButtons({ controls, playing }: { controls: Controls; playing: boolean }) {
  const { t } = useI18n();
  const { muted, volume } = controls;
  return (
    <>
      <button type="button" onClick={controls.togglePlay} aria-label={playing ? t('player.pause') : t('player.play')}>
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <button
        type="button"
        onClick={controls.toggleMute}
        aria-label={muted ? t('player.unmuteShort') : t('player.mute')}
      >
        {muted ? <MutedIcon /> : <VolumeIcon />}
      </button>
      <input
        type="range"
        min={0}
        max={1}
        step={0.05}
        value={muted ? 0 : volume}
        onChange={(e) => controls.changeVolume(Number(e.target.value))}
        aria-label={t('player.volume')}
      />
    </>
  );
}

export function FullscreenButton({ onClick }: { onClick: () => void }) {
  const { t } = useI18n();
  return (
    <button type="button" onClick={onClick} aria-label={t('player.fullscreen')}>
      <FullscreenIcon />
    </button>
  );
}

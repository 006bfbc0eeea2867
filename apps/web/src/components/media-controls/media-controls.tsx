'use client';
import { useI18n } from '../../i18n/client.tsx';
import { FullscreenIcon, MutedIcon, PauseIcon, PlayIcon, VolumeIcon } from '../player/icons.tsx';
import type { MediaControls } from './use-media-controls.ts';

type Controls = Pick<MediaControls, 'muted' | 'volume' | 'togglePlay' | 'toggleMute' | 'changeVolume'>;

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

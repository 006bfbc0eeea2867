'use client';
import Hls from 'hls.js/light';
import { type PointerEvent, type ReactNode, type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { formatDuration } from '../../vod/format.ts';
import { parseStoryboardVtt, type StoryboardTile, tileAt } from '../../vod/storyboard-vtt.ts';
import { FullscreenButton, PlaybackButtons, PlayerFrame } from '../media-controls/media-controls.tsx';
import { type MediaControls, useMediaControls } from '../media-controls/use-media-controls.ts';

/** Where playback is, for the chat replay and the clip button (a few times a second). */
export interface PlaybackState {
  position: number;
  duration: number;
  /** The wall-clock time of the frame shown (EXT-X-PROGRAM-DATE-TIME), when the playlist has it. */
  playingDateMs: number | null;
}

interface VodPlayerProps {
  /** A master playlist: a VOD, a recording (EVENT) or a clip. */
  src: string;
  storyboardUrl: string | null;
  /** The VOD still grows (EVENT playlists): its storyboard is read again now and then. */
  recording?: boolean;
  /** Where playback starts (seconds). */
  startAt?: number;
  onPlayback?(state: PlaybackState): void;
  /** More controls for the control bar (clip, back to live). */
  children?: ReactNode;
}

const SEEK_STEP_SECONDS = 5;
const STORYBOARD_REFRESH_MS = 15_000;

/**
 * The player of VODs and clips: hls.js (light) on the VOD's playlists (a recording plays as an
 * EVENT playlist from wherever it is asked to start), a seek bar that shows the storyboard tile
 * under the pointer (or at the position while it has keyboard focus), play/pause, volume, time,
 * full screen and keyboard shortcuts; muted autoplay with an unmute prompt.
 */
export function VodPlayer({
  src,
  storyboardUrl,
  recording = false,
  startAt = 0,
  onPlayback,
  children,
}: VodPlayerProps) {
  const { t } = useI18n();
  const container = useRef<HTMLElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  const controls = useMediaControls(video, container);
  const { toggleFullscreen } = controls;
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(0);
  const [error, setError] = useState(false);
  const [tiles, setTiles] = useState<StoryboardTile[]>([]);
  const [storyboardRevision, setStoryboardRevision] = useState(0);
  const missingSheets = useRef(new Set<string>());
  const [hoverSeconds, setHoverSeconds] = useState<number | null>(null);
  const [seekFocused, setSeekFocused] = useState(false);
  const playback = useRef(onPlayback);
  playback.current = onPlayback;

  useEffect(() => {
    const media = video.current;
    if (!media) return;
    let hls: Hls | null = null;
    const lengthOf = () => {
      if (Number.isFinite(media.duration)) return media.duration;
      return media.seekable.length > 0 ? media.seekable.end(media.seekable.length - 1) : 0;
    };
    const report = () => {
      const length = lengthOf();
      setPosition(media.currentTime);
      setDuration(length);
      const date = hls?.playingDate?.getTime() ?? null;
      playback.current?.({ position: media.currentTime, duration: length, playingDateMs: date });
    };
    const onPlaying = () => setPlaying(true);
    const onPause = () => setPlaying(false);
    media.addEventListener('playing', onPlaying);
    media.addEventListener('pause', onPause);
    media.addEventListener('timeupdate', report);
    media.addEventListener('durationchange', report);
    media.addEventListener('seeked', report);
    if (Hls.isSupported()) {
      // An EVENT playlist (a recording) would start at its live edge: start where asked instead.
      hls = new Hls({ lowLatencyMode: false, backBufferLength: 90, startPosition: Math.max(0, startAt) });
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        media.play().catch(() => undefined);
      });
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
          if (data.response?.code === 404) setError(true);
          else hls?.startLoad();
        } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          hls?.recoverMediaError();
        } else {
          setError(true);
        }
      });
      hls.loadSource(src);
      hls.attachMedia(media);
    } else if (media.canPlayType('application/vnd.apple.mpegurl')) {
      media.src = src;
      if (startAt > 0) media.currentTime = startAt;
      media.play().catch(() => undefined);
    } else {
      setError(true);
    }
    return () => {
      media.removeEventListener('playing', onPlaying);
      media.removeEventListener('pause', onPause);
      media.removeEventListener('timeupdate', report);
      media.removeEventListener('durationchange', report);
      media.removeEventListener('seeked', report);
      hls?.destroy();
    };
  }, [src, startAt]);

  // The storyboard: read once for a finished VOD, again now and then while it is recorded, and
  // again when a tile's sheet is missing (storyboardRevision).
  // biome-ignore lint/correctness/useExhaustiveDependencies: storyboardRevision is the trigger to read it again
  useEffect(() => {
    if (!storyboardUrl) return;
    let stopped = false;
    const load = async () => {
      const response = await fetch(storyboardUrl, { cache: 'no-store' }).catch(() => undefined);
      if (!response?.ok || stopped) return;
      setTiles(parseStoryboardVtt(await response.text(), new URL(storyboardUrl, window.location.href).toString()));
    };
    void load();
    const timer = recording ? setInterval(load, STORYBOARD_REFRESH_MS) : undefined;
    return () => {
      stopped = true;
      if (timer) clearInterval(timer);
    };
  }, [storyboardUrl, recording, storyboardRevision]);

  const seekTo = useCallback((seconds: number) => {
    const media = video.current;
    if (!media || !Number.isFinite(seconds)) return;
    media.currentTime = Math.max(0, seconds);
    setPosition(media.currentTime);
  }, []);

  const onKeyDown = shortcutsFor(controls, video, duration, seekTo);

  const onSeekHover = (event: PointerEvent<HTMLInputElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width <= 0 || duration <= 0) return;
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    setHoverSeconds(fraction * duration);
  };

  const previewSeconds = hoverSeconds ?? (seekFocused ? position : null);
  const tile = previewSeconds === null ? undefined : tileAt(tiles, previewSeconds);

  // A sheet that grew since the storyboard was read has a new name (the smaller one is removed):
  // a tile whose sheet is gone reads the storyboard again, once per missing sheet.
  const tileUrl = tile?.url;
  useEffect(() => {
    if (!tileUrl || missingSheets.current.has(tileUrl)) return;
    const probe = new Image();
    probe.onerror = () => {
      missingSheets.current.add(tileUrl);
      setStoryboardRevision((n) => n + 1);
    };
    probe.src = tileUrl;
    return () => {
      probe.onerror = null;
    };
  }, [tileUrl]);
  const previewLeft = previewSeconds === null || duration <= 0 ? 0 : (previewSeconds / duration) * 100;

  return (
    <PlayerFrame kind="vod" controls={controls} onKeyDown={onKeyDown} playing={playing} error={error}>
      <div className="player-controls vod-controls">
        <div className="seek-row">
          {tile && previewSeconds !== null && (
            <div
              className="storyboard-preview"
              data-testid="storyboard-tile"
              data-sheet={tile.url}
              aria-hidden="true"
              style={{ left: `clamp(${tile.w / 2}px, ${previewLeft}%, calc(100% - ${tile.w / 2}px))` }}
            >
              <div
                className="storyboard-image"
                style={{
                  width: tile.w,
                  height: tile.h,
                  backgroundImage: `url("${tile.url}")`,
                  backgroundPosition: `-${tile.x}px -${tile.y}px`,
                }}
              />
              <span>{formatDuration(previewSeconds)}</span>
            </div>
          )}
          <input
            type="range"
            className="seek-bar"
            data-role="seek"
            data-testid="seek-bar"
            min={0}
            max={Math.max(duration, 0)}
            step={0.1}
            value={Math.min(position, Math.max(duration, 0))}
            onChange={(e) => seekTo(Number(e.target.value))}
            onPointerMove={onSeekHover}
            onPointerEnter={onSeekHover}
            onPointerLeave={() => setHoverSeconds(null)}
            onFocus={() => setSeekFocused(true)}
            onBlur={() => setSeekFocused(false)}
            aria-label={t('video.seek')}
            aria-valuetext={t('video.seekValue', {
              position: formatDuration(position),
              duration: formatDuration(duration),
            })}
          />
        </div>
        <PlaybackButtons controls={controls} playing={playing} />
        <span className="vod-time" data-testid="vod-time">
          {formatDuration(position)} / {formatDuration(duration)}
        </span>
        <span className="spacer" />
        {children}
        <FullscreenButton onClick={toggleFullscreen} />
      </div>
    </PlayerFrame>
  );
}

/** The VOD's keys: the shared ones, and the arrows seeking (also on the seek bar itself). */
function shortcutsFor(
  controls: MediaControls,
  video: RefObject<HTMLVideoElement | null>,
  duration: number,
  seekTo: (seconds: number) => void,
) {
  const at = () => video.current?.currentTime ?? 0;
  return controls.shortcuts(
    {
      arrowleft: () => seekTo(at() - SEEK_STEP_SECONDS),
      arrowright: () => seekTo(Math.min(duration, at() + SEEK_STEP_SECONDS)),
    },
    (target) => target.dataset.role === 'seek',
  );
}

'use client';
import Hls, { type Level } from 'hls.js/light';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { sendHeartbeat, startHeartbeat } from '../../player/heartbeat.ts';
import { FullscreenButton, PlaybackButtons, PlayerFrame } from '../media-controls/media-controls.tsx';
import { useMediaControls } from '../media-controls/use-media-controls.ts';
import { numberFormat } from '../../i18n/formats.ts';

/** How far behind the target latency counts as "behind live" (then "back to live" shows). */
const BEHIND_SECONDS = 3;

interface PlayerProps {
  channelId: string;
  src: string;
  /** The stream ended (ENDLIST) or its playlist is gone: the page checks and shows the offline card. */
  onEnded(): void;
}

interface PlayerWindow {
  phzzkPlayer?: { playing: boolean; latency: number | null; level: number; levels: number; hls: Hls | null };
}

/**
 * The live player: hls.js (light build) in low-latency mode with catch-up, quality menu, latency
 * indicator and "back to live", play/pause, volume, fullscreen, keyboard shortcuts, muted autoplay
 * with an unmute prompt, and the viewer heartbeat while playing.
 */
export function LivePlayer({ channelId, src, onEnded }: PlayerProps) {
  const { t, locale } = useI18n();
  const container = useRef<HTMLElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const [levels, setLevels] = useState<Level[]>([]);
  const [quality, setQuality] = useState(-1);
  const [playing, setPlaying] = useState(false);
  const controls = useMediaControls(video, container);
  const { volume, changeVolume, toggleFullscreen } = controls;
  const [latency, setLatency] = useState<number | null>(null);
  const [behind, setBehind] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ended = useRef(onEnded);
  ended.current = onEnded;

  useEffect(() => {
    const media = video.current;
    if (!media) return;
    const state: NonNullable<PlayerWindow['phzzkPlayer']> = {
      playing: false,
      latency: null,
      level: -1,
      levels: 0,
      hls: null,
    };
    (window as PlayerWindow).phzzkPlayer = state;
    const onPlaying = () => {
      state.playing = true;
      setPlaying(true);
    };
    const onPause = () => setPlaying(false);
    media.addEventListener('playing', onPlaying);
    media.addEventListener('pause', onPause);
    let hls: Hls | null = null;
    if (Hls.isSupported()) {
      hls = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5, backBufferLength: 30 });
      hlsRef.current = hls;
      state.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
        setLevels(data.levels);
        state.levels = data.levels.length;
        media.play().catch(() => undefined);
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
        state.level = data.level;
      });
      hls.on(Hls.Events.LEVEL_UPDATED, (_e, data) => {
        if (!data.details.live) ended.current();
      });
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
          // A playlist that is gone (404) means the stream ended; otherwise try again.
          if (data.response?.code === 404) ended.current();
          else hls?.startLoad();
        } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          hls?.recoverMediaError();
        } else {
          setError(data.details);
        }
      });
      hls.loadSource(src);
      hls.attachMedia(media);
    } else if (media.canPlayType('application/vnd.apple.mpegurl')) {
      media.src = src; // Safari plays LL-HLS natively
      media.play().catch(() => undefined);
    } else {
      setError('unsupported');
    }
    const ticker = setInterval(() => {
      const value = hls ? hls.latency : null;
      const target = hls?.targetLatency ?? null;
      state.latency = Number.isFinite(value) ? value : null;
      setLatency(state.latency);
      setBehind(state.latency !== null && target !== null && state.latency > target + BEHIND_SECONDS);
    }, 500);
    const playerSessionId = crypto.randomUUID();
    const stopBeats = startHeartbeat(
      () => {
        const level = hls && hls.currentLevel >= 0 ? hls.levels[hls.currentLevel] : undefined;
        void sendHeartbeat({
          channelId,
          playerSessionId,
          ...(level ? { rendition: `${level.height}p` } : {}),
          ...(state.latency !== null ? { latencySeconds: Math.round(state.latency * 100) / 100 } : {}),
        });
      },
      () => !media.paused && state.playing,
    );
    return () => {
      stopBeats();
      clearInterval(ticker);
      media.removeEventListener('playing', onPlaying);
      media.removeEventListener('pause', onPause);
      hls?.destroy();
      hlsRef.current = null;
      delete (window as PlayerWindow).phzzkPlayer;
    };
  }, [src, channelId]);

  const backToLive = useCallback(() => {
    const media = video.current;
    const edge = hlsRef.current?.liveSyncPosition;
    if (media && edge) media.currentTime = edge;
    media?.play().catch(() => undefined);
  }, []);
  const chooseQuality = useCallback((value: number) => {
    setQuality(value);
    if (hlsRef.current) hlsRef.current.currentLevel = value;
  }, []);

  const onKeyDown = controls.shortcuts({
    l: backToLive,
    arrowup: () => changeVolume(volume + 0.1),
    arrowdown: () => changeVolume(volume - 0.1),
  });

  const seconds = numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return (
    <PlayerFrame kind="live" controls={controls} onKeyDown={onKeyDown} playing={playing} error={error !== null}>
      <div className="player-controls">
        <PlaybackButtons controls={controls} playing={playing} />
        <span className={`latency${behind ? ' behind' : ''}`} data-testid="latency" aria-live="off">
          {latency === null ? t('player.live') : t('player.latency', { seconds: seconds.format(latency) })}
        </span>
        {behind && (
          <button type="button" onClick={backToLive}>
            {t('player.backToLive')}
          </button>
        )}
        <span className="spacer" />
        <select
          value={quality}
          onChange={(e) => chooseQuality(Number(e.target.value))}
          aria-label={t('player.quality')}
        >
          <option value={-1}>{t('player.auto')}</option>
          {levels.map((level, index) => (
            <option key={`${level.height}-${level.bitrate}`} value={index}>
              {level.height ? `${level.height}p` : `${Math.round(level.bitrate / 1000)} kbps`}
            </option>
          ))}
        </select>
        <FullscreenButton onClick={toggleFullscreen} />
      </div>
    </PlayerFrame>
  );
}

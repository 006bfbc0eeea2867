'use client';
import { type KeyboardEvent, type RefObject, useCallback, useState } from 'react';

/**
 * What the live and VOD players share: mute and volume state, the play/mute/volume/fullscreen
 * actions on the player's `video` and `container`, and the keyboard shortcuts (k or space, m, f,
 * plus the player's own).
 */
export function useMediaControls(video: RefObject<HTMLVideoElement | null>, container: RefObject<HTMLElement | null>) {
  const [muted, setMuted] = useState(true);
  const [volume, setVolume] = useState(1);

  const togglePlay = useCallback(() => {
    const media = video.current;
    if (!media) return;
    if (media.paused) media.play().catch(() => undefined);
    else media.pause();
  }, [video]);
  const toggleMute = useCallback(() => {
    const media = video.current;
    if (!media) return;
    media.muted = !media.muted;
    setMuted(media.muted);
  }, [video]);
  const changeVolume = useCallback(
    (value: number) => {
      const media = video.current;
      if (!media) return;
      media.volume = Math.min(1, Math.max(0, value));
      media.muted = media.volume === 0;
      setVolume(media.volume);
      setMuted(media.muted);
    },
    [video],
  );
  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void container.current?.requestFullscreen?.();
  }, [container]);

  /**
   * The player's key handler: the shared shortcuts and `more` (keys in lower case). Keys typed in a
   * select or input are theirs unless `ownKeys(target)` says the player takes them (a seek bar);
   * space on a button or link presses it.
   */
  const shortcuts =
    (more: Record<string, () => void>, ownKeys: (target: HTMLElement) => boolean = () => false) =>
    (event: KeyboardEvent<HTMLElement>) => {
      const target = event.target as HTMLElement;
      if (target.closest('select, input') && !ownKeys(target)) return;
      const key = event.key.toLowerCase();
      const actions: Record<string, () => void> = {
        k: togglePlay,
        ' ': togglePlay,
        m: toggleMute,
        f: toggleFullscreen,
        ...more,
      };
      const action = actions[key];
      if (!action) return;
      if (key === ' ' && target.closest('button, a')) return;
      event.preventDefault();
      action();
    };

  return {
    video,
    container,
    muted,
    volume,
    togglePlay,
    toggleMute,
    changeVolume,
    toggleFullscreen,
    shortcuts,
  };
}

export type MediaControls = ReturnType<typeof useMediaControls>;

import type { AudioPlan, RenditionPlan } from '@phzzk/media/ffmpeg';
import { DEFAULT_LADDER, renditionsFor } from '@phzzk/media/ladder';
import { isAac, type LiveSession } from './session.ts';

export interface LadderRung {
  name: string;
  height: number;
  videoKbps: number;
  audioKbps: number;
}

export interface LadderSettings {
  ladder: readonly LadderRung[];
  /** AAC bit rate when the source's audio is not AAC and must be encoded for the source rendition. */
  sourceAudioKbps: number;
}

export const DEFAULT_LADDER_SETTINGS: LadderSettings = { ladder: DEFAULT_LADDER, sourceAudioKbps: 128 };

/**
 * The renditions of a session: the source copied as it is (audio copied when AAC), then the ladder
 * rungs below the source's height (the same renditionsFor() the channel service announces). An
 * audio-only source gets one audio rendition; a video-only one gets video renditions without audio.
 */
export function planRenditions(
  session: Pick<LiveSession, 'video' | 'audio'>,
  settings: LadderSettings,
): RenditionPlan[] {
  const { video, audio } = session;
  const sourceAudio: AudioPlan | null = audio
    ? isAac(audio.codec)
      ? { mode: 'copy' }
      : { mode: 'encode', kbps: settings.sourceAudioKbps }
    : null;
  if (!video) return audio ? [{ name: 'audio', video: null, audio: sourceAudio, bandwidth: undefined }] : [];
  return renditionsFor({ width: video.width, height: video.height }, settings.ladder).map((r) =>
    r.source
      ? { name: r.name, video: { mode: 'copy', codec: video.codec }, audio: sourceAudio, bandwidth: undefined }
      : {
          name: r.name,
          video: { mode: 'encode', width: r.width, height: r.height, kbps: r.videoKbps },
          audio: audio ? { mode: 'encode', kbps: r.audioKbps } : null,
          bandwidth: (r.videoKbps + (audio ? r.audioKbps : 0)) * 1000,
        },
  );
}

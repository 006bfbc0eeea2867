import type { LiveInfo } from '@phzzk/contracts';
import { renditionsFor } from '@phzzk/media/ladder';

/** What the channel service keeps of a live session to describe it to players. */
export interface LiveSessionFacts {
  id: string;
  startedAt: Date;
  video: { width: number; height: number } | null;
  bitrateKbps: number | null;
}

export const OFFLINE: LiveInfo = {
  live: false,
  sessionId: null,
  startedAt: null,
  hlsUrl: null,
  renditions: [],
  viewers: 0,
};

/**
 * A channel's live state as players see it. The renditions come from the same ladder function the
 * transcoder uses, so what is announced is what is served; audio-only streams have none.
 */
export function liveInfo(channelId: string, session: LiveSessionFacts | undefined, viewers = 0): LiveInfo {
  if (!session) return OFFLINE;
  const renditions = session.video
    ? renditionsFor({ width: session.video.width, height: session.video.height, bitrateKbps: session.bitrateKbps }).map(
        ({ name, width, height }) => ({ name, width, height }),
      )
    : [];
  return {
    live: true,
    sessionId: session.id,
    startedAt: session.startedAt.toISOString(),
    hlsUrl: `/hls/${channelId}/master.m3u8`,
    renditions,
    viewers,
  };
}

import type { StreamStarted } from '@phzzk/contracts';

export interface SourceVideo {
  codec: string;
  width: number;
  height: number;
  fps: number;
}

export interface SourceAudio {
  codec: string;
  sampleRate: number;
  channels: number;
}

/** A live session as recorded in the sessions hash: what any instance needs to (re)start it. */
export interface TranscodeSession {
  sessionId: string;
  channelId: string;
  sourceUrl: string;
  video: SourceVideo | null;
  audio: SourceAudio | null;
  startedAt: string;
}

export function sessionFromStarted(data: StreamStarted['data']): TranscodeSession {
  const { sessionId, channelId, sourceUrl, video, audio, startedAt } = data;
  return { sessionId, channelId, sourceUrl, video, audio, startedAt };
}

/** Parses a hash value; undefined for anything that is not a session record (never throws). */
export function parseSession(json: string): TranscodeSession | undefined {
  try {
    const value = JSON.parse(json) as Partial<TranscodeSession>;
    if (typeof value.sessionId !== 'string' || typeof value.channelId !== 'string') return undefined;
    if (typeof value.sourceUrl !== 'string' || typeof value.startedAt !== 'string') return undefined;
    return {
      sessionId: value.sessionId,
      channelId: value.channelId,
      sourceUrl: value.sourceUrl,
      video: value.video ?? null,
      audio: value.audio ?? null,
      startedAt: value.startedAt,
    };
  } catch {
    return undefined;
  }
}

const AAC = /^(aac|mp4a)/i;
export const isAac = (codec: string): boolean => AAC.test(codec);

/**
 * Whether a source URL may be pulled: only http(s), and when origins are configured, only from
 * those (ingest nodes), so that a forged or foreign stream.started cannot point ffmpeg anywhere.
 */
export function sourceAllowed(url: string, allowedOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  return allowedOrigins.length === 0 || allowedOrigins.some((o) => o.replace(/\/+$/, '') === parsed.origin);
}

import type { StreamStartedData } from './ports.ts';

// What stream.started says about the media, and when enough of it is known to say it.

export type VideoFacts = { codec: string; width?: number; height?: number; fps?: number };
export type AudioFacts = { codec: string; sampleRate?: number; channels?: number };

/** What the ingest has learned about a publish so far (sequence headers, onMetaData, clock). */
export interface MediaFacts {
  metadata: Readonly<Record<string, unknown>> | undefined;
  video: VideoFacts | undefined;
  audio: AudioFacts | undefined;
  /** Media time (tag timestamps) between the first and the latest audio/video tag, in ms. */
  mediaElapsedMs: number;
}

export type Tracks = Pick<StreamStartedData, 'video' | 'audio' | 'bitrateKbps'>;

export type StartTiming = {
  /** Without onMetaData, how much media to see before deciding a missing track is absent. */
  settleMs: number;
  /** After this much media, start with the tracks that are known (a declared track never came). */
  maxWaitMs: number;
};

export const DEFAULT_START_TIMING: StartTiming = { settleMs: 1000, maxWaitMs: 3000 };

// ffmpeg's names, which is what the transcoder runs.
const VIDEO_NAMES: Record<string, string> = { avc: 'h264', h263: 'flv1' };

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

const declared = (value: unknown): boolean =>
  (typeof value === 'number' && value >= 0) || (typeof value === 'string' && value !== '');

function videoTrack(facts: MediaFacts): Tracks['video'] | undefined {
  const v = facts.video;
  if (!v || v.codec === 'unknown') return undefined;
  const meta = facts.metadata ?? {};
  const width = num(v.width) ?? num(meta.width);
  const height = num(v.height) ?? num(meta.height);
  if (!width || !height) return undefined;
  const fps = num(v.fps) ?? num(meta.framerate) ?? num(meta.videoframerate) ?? 0;
  return {
    codec: VIDEO_NAMES[v.codec] ?? v.codec,
    width: Math.round(width),
    height: Math.round(height),
    fps: Math.round(Math.min(fps, 1000) * 1000) / 1000,
  };
}

function audioTrack(facts: MediaFacts): Tracks['audio'] | undefined {
  const a = facts.audio;
  if (!a || a.codec === 'unknown') return undefined;
  const meta = facts.metadata ?? {};
  const sampleRate = num(a.sampleRate) ?? num(meta.audiosamplerate);
  const stereo = meta.stereo === true ? 2 : meta.stereo === false ? 1 : undefined;
  const channels = num(a.channels) ?? num(meta.audiochannels) ?? stereo;
  if (!sampleRate || !channels) return undefined;
  return { codec: a.codec, sampleRate: Math.round(sampleRate), channels: Math.round(channels) };
}

/** onMetaData data rates are kbit/s; encoders that do not know write 0. */
function bitrateKbps(meta: Readonly<Record<string, unknown>> | undefined): number | null {
  const total = (num(meta?.videodatarate) ?? 0) + (num(meta?.audiodatarate) ?? 0);
  return total > 0 ? Math.round(total * 1000) / 1000 : null;
}

/** The tracks as they are known now (for listings); undefined entries are not known yet. */
export function currentTracks(facts: MediaFacts): Tracks {
  return {
    video: videoTrack(facts) ?? null,
    audio: audioTrack(facts) ?? null,
    bitrateKbps: bitrateKbps(facts.metadata),
  };
}

/**
 * The tracks for stream.started once every track the publisher announced (in onMetaData, or by
 * sending it) is described; undefined while that is not the case. Audio-only and video-only
 * streams start with the other track null.
 */
export function tracksWhenReady(facts: MediaFacts, timing: StartTiming = DEFAULT_START_TIMING): Tracks | undefined {
  const video = videoTrack(facts);
  const audio = audioTrack(facts);
  if (!video && !audio) return undefined;
  const meta = facts.metadata;
  const wantVideo = facts.video !== undefined || declared(meta?.videocodecid);
  const wantAudio = facts.audio !== undefined || declared(meta?.audiocodecid);
  const complete = (!wantVideo || video !== undefined) && (!wantAudio || audio !== undefined);
  // Without onMetaData nothing announces the other track: give it a moment of media to show up.
  const settled = meta !== undefined || (video && audio) || facts.mediaElapsedMs >= timing.settleMs;
  if ((complete && settled) || facts.mediaElapsedMs >= timing.maxWaitMs) {
    return { video: video ?? null, audio: audio ?? null, bitrateKbps: bitrateKbps(meta) };
  }
  return undefined;
}

// What the transcoder's workers and routes need from the outside world. service.ts wires the
// concrete adapters (Redis, files, HTTP, ffmpeg) to these; nothing else names an adapter.
import type { FfmpegProcess, SpawnOptions } from '@phzzk/media/ffmpeg';
import type { LlHlsStream } from '@phzzk/media/hls';
import type { RenditionContinuity } from './continuity.ts';
import type { TranscodeSession } from './transcode-session.ts';
import type { SessionSegmentEntry } from '@phzzk/contracts';

/** The durable record of live sessions and their numbering, shared by every instance. */
export interface SessionStore {
  /** true when recorded; false when the session had ended already. */
  putStarted(session: TranscodeSession): Promise<boolean>;
  /** Removes the channel's session if it is this one; true when removed. */
  markEnded(channelId: string, sessionId: string): Promise<boolean>;
  all(): Promise<TranscodeSession[]>;
  continuity(channelId: string): Promise<RenditionContinuity[]>;
  saveContinuity(channelId: string, rendition: string, state: RenditionContinuity): Promise<void>;
}

export type ClaimResult = 'acquired' | 'already-mine' | 'held';

/** One lease per channel naming the instance that transcodes it (the gateway routes by it). */
export interface Leases {
  claim(channelId: string, leaseMs: number): Promise<ClaimResult>;
  /** false when the lease is no longer ours. */
  renew(channelId: string, leaseMs: number): Promise<boolean>;
  release(channelId: string): Promise<boolean>;
}

/** A session's media kept for VOD: init segments, segments and their index, thumbnails. */
export interface SegmentStorage {
  readonly sessionDir: string;
  /** Writes that failed (VOD media lost; the live stream goes on). */
  readonly failures: number;
  writeInit(rendition: string, uri: string, bytes: Uint8Array): void;
  writeSegment(rendition: string, entry: SessionSegmentEntry, bytes: Uint8Array): void;
  writeThumbnail(epochMs: number, bytes: Uint8Array): void;
  /** Resolves once everything queued so far is on disk. */
  flush(): Promise<void>;
  /** Writes the VOD playlists (and master) of the finished session. */
  finish(renditions: readonly string[], master: string | undefined): Promise<void>;
}

/** The live source (HTTP-FLV from the ingest node), as a byte stream to pipe into ffmpeg. */
export type OpenSource = (
  url: string,
  options: { signal: AbortSignal; idleTimeoutMs: number },
) => Promise<NodeJS.ReadableStream & { destroy(): void }>;

/** Starts ffmpeg with these arguments (the binary is the launcher's business). */
export type LaunchFfmpeg = (args: readonly string[], options: SpawnOptions) => FfmpegProcess;

export interface TranscoderMetrics {
  ffmpegRestarts: { inc(): void };
  sourceFailures: { inc(): void };
  parts: { inc(labels: { rendition: string }): void };
  partLatency: { observe(labels: { rendition: string }, seconds: number): void };
  claims: { inc(labels: { result: 'acquired' | 'resumed' | 'lost' }): void };
}

/** What the HLS origin routes serve from: one stream this instance holds. */
export interface OriginStream {
  readonly stream: LlHlsStream;
  readonly renditions: readonly string[];
  /** A request path below /hls/{channelId}/ as the packager names it (undefined: no such URI). */
  localPath(path: string): string | undefined;
  /** A media playlist as players see it. */
  exposed(playlist: string): string;
  /** Waits for the renditions' first part (a fresh stream). */
  firstParts(renditions: readonly string[], signal: AbortSignal): Promise<'ready' | 'timeout' | 'aborted'>;
  /** The latest thumbnail (JPEG), unless none yet or stale. */
  thumbnail(): Buffer | undefined;
}

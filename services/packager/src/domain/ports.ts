import type { Clip, SessionSegmentEntry, Vod, VodStatus, VodVisibility } from '@phzzk/contracts';

export interface FileStat {
  size: number;
  mtimeMs: number;
}

/**
 * Shared media storage (the layout of `@phzzk/contracts` session-storage), addressed by relative
 * `/`-separated keys. The local filesystem now; an object store can implement the same port.
 */
export interface MediaStorage {
  stat(key: string): Promise<FileStat | undefined>;
  readText(key: string): Promise<string | undefined>;
  readBytes(key: string): Promise<Uint8Array | undefined>;
  /** A byte range [start, end] (inclusive) of a file, or the whole file. */
  stream(key: string, range?: { start: number; end: number }): NodeJS.ReadableStream;
  /** Names directly under a directory ([] when it does not exist). */
  list(dir: string): Promise<string[]>;
  /** Writes atomically (readers see the old or the new file, never a part). */
  write(key: string, data: Uint8Array | string): Promise<void>;
  /** Makes `to` the same bytes as `from` without copying when the store can (a hard link). */
  link(from: string, to: string): Promise<void>;
  /** Removes a file or a directory with everything below it; nothing when absent. */
  remove(key: string): Promise<void>;
  /** A path a local process (ffmpeg) can read or write. */
  localPath(key: string): string;
}

export interface VodRow {
  id: string;
  channelId: string;
  sessionId: string;
  title: string;
  visibility: VodVisibility;
  status: VodStatus;
  startedAt: Date;
  endedAt: Date | null;
  durationSeconds: number;
  thumbnailMs: number | null;
  storyboardTiles: number;
  storyboardDone: boolean;
}

export interface ClipRow {
  id: string;
  channelId: string;
  vodId: string | null;
  sessionId: string;
  title: string;
  createdBy: string;
  createdAt: Date;
  startSeconds: number;
  durationSeconds: number;
}

export interface PageRequest {
  cursor?: { at: Date; id: string };
  limit: number;
}

export interface VodStore {
  get(id: string): Promise<VodRow | undefined>;
  /** The channel's VOD that is still recording (its live broadcast), if any. */
  recordingOf(channelId: string): Promise<VodRow | undefined>;
  /** Newest first; unlisted ones only when `includeUnlisted`; failed ones never. */
  list(channelId: string, includeUnlisted: boolean, page: PageRequest): Promise<VodRow[]>;
  update(id: string, change: { title?: string; visibility?: VodVisibility }): Promise<VodRow | undefined>;
  /** Deletes the row and queues vod.deleted in the same transaction; false when it was gone. */
  delete(id: string, deletedAt: Date): Promise<VodRow | undefined>;
  /** VODs whose broadcast ended and that wait to be finalized. */
  ending(limit: number): Promise<VodRow[]>;
  /** recording -> ready (queues vod.ready) or failed; false when another instance did it first. */
  finalize(id: string, outcome: FinalOutcome): Promise<boolean>;
  /** Keeps the duration and thumbnail of a recording VOD current (for listings). */
  progress(id: string, durationSeconds: number, thumbnailMs: number | null): Promise<void>;
  /** Takes (or renews) the storyboard lease of up to `limit` VODs for this worker. */
  claimStoryboards(worker: string, leaseMs: number, limit: number): Promise<VodRow[]>;
  storyboardProgress(id: string, worker: string, tiles: number, done: boolean): Promise<void>;
  /** Gives up this worker's storyboard leases (it is stopping): another instance takes them at once. */
  releaseStoryboards(worker: string): Promise<void>;
  /** Finished VODs that ended before `before` (retention). */
  expired(before: Date, limit: number): Promise<VodRow[]>;
}

export type FinalOutcome =
  | {
      status: 'ready';
      durationSeconds: number;
      thumbnailMs: number | null;
      playlistUrl: string;
      thumbnailUrl: string | null;
    }
  | { status: 'failed' };

export interface ClipStore {
  insert(clip: ClipRow): Promise<void>;
  get(id: string): Promise<ClipRow | undefined>;
  list(channelId: string, page: PageRequest): Promise<ClipRow[]>;
}

/** Who owns a channel (the channel service is the authority). */
export interface ChannelOwners {
  /** The owner's user id; undefined for a channel the channel service does not know. */
  ownerOf(channelId: string): Promise<string | undefined>;
}

/** One timeline of a rendition: an init segment and the segments that decode with it, in order. */
export interface MediaTimeline {
  init: string;
  segments: string[];
}

/** Rewraps segments into one MP4 file without re-encoding. */
export interface Remuxer {
  /**
   * Writes an MP4 at `outputKey` from the segments of one rendition; `playlistKey` is their media
   * playlist (for media made of several timelines).
   */
  remuxToMp4(timelines: readonly MediaTimeline[], playlistKey: string, outputKey: string): Promise<void>;
}

/** Puts thumbnails side by side into one sprite sheet (JPEG). */
export interface SpriteMaker {
  makeSheet(tiles: readonly string[], layout: SheetLayout, outputKey: string): Promise<void>;
}

export interface SheetLayout {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

export type { Clip, SessionSegmentEntry, Vod };

// The LL-HLS packager's types: what it takes, what it emits, and its internal segment records
// (shared by the segmentation, the live window, the playlist model and the readiness checks).
import type { InitSegment } from '../fmp4/types.ts';
import type { RenditionReport } from './media-playlist.ts';
import type { MediaLogger, Timers } from './waiting.ts';

export type PackagerOptions = {
  /** Desired segment duration in seconds; a segment closes at the first keyframe once it is reached. */
  targetDuration: number;
  /** PART-TARGET in seconds. Choose it >= the fragment duration ffmpeg produces (§4.4.3.7). */
  partTarget: number;
  /** Seconds of complete segments kept in the live playlist (default 12 x targetDuration). */
  windowDuration?: number;
  /** PART-HOLD-BACK seconds (default 3 x partTarget; the spec requires >= 2x, §4.4.3.8). */
  partHoldBack?: number;
  /** HOLD-BACK seconds (default and minimum 3 x target duration). */
  holdBack?: number;
  /** CAN-SKIP-UNTIL seconds (default 6 x target duration, its minimum); false disables delta updates. */
  canSkipUntil?: number | false;
  /** Media sequence number of the first segment (default 0). */
  firstMediaSequence?: number;
  /** Wall clock in epoch milliseconds, for EXT-X-PROGRAM-DATE-TIME. */
  now?: () => number;
  timers?: Timers;
  logger?: MediaLogger;
};

export type PartInfo = {
  msn: number;
  part: number;
  uri: string;
  /** Seconds. */
  duration: number;
  independent: boolean;
  bytes: Uint8Array;
  initId: number;
};

export type SegmentInfo = {
  msn: number;
  uri: string;
  /** Seconds. */
  duration: number;
  parts: number;
  bytes: Uint8Array;
  initId: number;
  initUri: string;
  discontinuity: boolean;
  discontinuitySequence: number;
  programDateTime: number;
};

export type InitInfo = { initId: number; uri: string; bytes: Uint8Array; init: InitSegment };

/** A blocking-reload position: segment msn, optionally a part index within it. */
export type PlaylistPosition = { msn: number; part?: number };

export const WaitResult = { Ready: 'ready', Timeout: 'timeout', Aborted: 'aborted' } as const;
export type WaitResult = (typeof WaitResult)[keyof typeof WaitResult];

export type PartWaitResult =
  | { status: 'ready'; bytes: Uint8Array }
  | { status: 'not-found' }
  | { status: 'timeout' }
  | { status: 'aborted' };

export type PlaylistOptions = {
  /** Produce a delta update (_HLS_skip=YES|v2) when delta updates are enabled. */
  skip?: boolean;
  renditionReports?: readonly RenditionReport[];
  /** Overrides EXT-X-TARGETDURATION so all renditions of a stream agree (§6.2.4). */
  targetDuration?: number;
};

export type Part = {
  index: number;
  ticks: number;
  independent: boolean;
  bytes: Uint8Array;
};

export type Segment = {
  msn: number;
  initId: number;
  timescale: number;
  discontinuity: boolean;
  discontinuitySequence: number;
  programDateTime: number;
  parts: Part[];
  /** Sum of published part ticks. */
  ticks: number;
  /** Timing-track samples, for the measured frame rate. */
  samples: number;
  byteLength: number;
  complete: boolean;
  bytes: Uint8Array | undefined;
  /** For evicted segments: purge their bytes once the edge passes this many published seconds. */
  purgeAtEdge?: number;
};

export type OpenPart = {
  fragments: Uint8Array[];
  ticks: number;
  samples: number;
  independent: boolean;
  byteLength: number;
};

export type InitRecord = {
  id: number;
  init: InitSegment;
  timingTrackId: number;
  timescale: number;
  keyframeParts: boolean;
};

// Segmentation, fragments -> parts -> segments: a part closes before it would exceed PART-TARGET
// (and at every key frame of a video rendition); a segment closes at the first key frame once it
// holds ~the target duration. Timing is in ticks of the rendition's timing track, so part and
// segment durations are exact sums, free of float drift.
import type { Fragment } from '../fmp4/types.ts';
import type { InitRecord, OpenPart, Part, Segment } from './packager-types.ts';
import type { MediaLogger } from './waiting.ts';
import type { WallClockAnchor } from './wall-clock-anchor.ts';

/** A segment closes at a keyframe once it holds this fraction of the target, absorbing timestamp jitter. */
const SEGMENT_CLOSE_FRACTION = 0.9;

export interface SegmenterHooks {
  /** A segment started: its bytes may be asked for from now on. */
  started(segment: Segment): void;
  /** A segment that never got a part is dropped (its msn is reused). */
  dropped(msn: number): void;
  partPublished(segment: Segment, part: Part): void;
  completed(segment: Segment): void;
}

export interface SegmenterOptions {
  partTarget: number;
  targetSeconds: number;
  firstMediaSequence: number;
  clock: WallClockAnchor;
  hooks: SegmenterHooks;
  logger: MediaLogger | undefined;
}

export class Segmenter {
  readonly #o: SegmenterOptions;
  #current: Segment | undefined;
  #open: OpenPart | undefined;
  #nextMsn: number;
  #lastCompleteMsn: number;
  #discontinuitySequence = 0;
  #pendingDiscontinuity = false;
  #needIndependent = true;
  #nextDecodeTime: number | undefined;
  #lastFragmentTicks = 0;
  #ticksSinceKeyframe = 0;
  #keyframeInterval: number | undefined;
  #maxSegmentSeconds = 0;
  #completedSegments = 0;
  #warnedOversize = false;
  /** Fragments dropped (before an init, empty, or while waiting for a key frame). */
  droppedFragments = 0;

  constructor(options: SegmenterOptions) {
    this.#o = options;
    this.#nextMsn = options.firstMediaSequence;
    this.#lastCompleteMsn = this.#nextMsn - 1;
  }

  get current(): Segment | undefined {
    return this.#current;
  }
  get hasOpenPart(): boolean {
    return this.#open !== undefined;
  }
  get nextMsn(): number {
    return this.#nextMsn;
  }
  get lastCompleteMsn(): number {
    return this.#lastCompleteMsn;
  }
  get discontinuitySequence(): number {
    return this.#discontinuitySequence;
  }
  get pendingDiscontinuity(): boolean {
    return this.#pendingDiscontinuity;
  }
  get maxSegmentSeconds(): number {
    return this.#maxSegmentSeconds;
  }

  /** Adds a fragment decoded with `init`; false when it was dropped (nothing changed). */
  push(fragment: Fragment, init: InitRecord): boolean {
    const { partTarget, logger } = this.#o;
    const { ticks, samples, decodeTime } = fragmentTiming(fragment, init);
    if (ticks <= 0) {
      // Nothing to play (an empty trun); a zero-duration EXT-X-PART would only confuse players.
      this.droppedFragments++;
      return false;
    }
    if (this.#needIndependent) {
      // A segment must start where decoding can start; drop the leading dependent frames.
      if (!fragment.independent) {
        this.droppedFragments++;
        return false;
      }
      this.#needIndependent = false;
    }
    const partTargetTicks = Math.floor(partTarget * init.timescale + 1e-6);
    if (ticks > partTargetTicks && !this.#warnedOversize) {
      this.#warnedOversize = true;
      logger?.warn(
        { fragmentSeconds: ticks / init.timescale, partTarget },
        'fragment longer than PART-TARGET; its part will exceed PART-TARGET (lower ffmpeg -frag_duration)',
      );
    }
    const keyframeBoundary = fragment.independent && init.keyframeParts;
    if (this.#current && fragment.independent && this.#segmentTicks() >= this.#closeThreshold(init)) {
      this.publishOpenPart();
      this.completeCurrent();
    } else if (this.#open && (keyframeBoundary || this.#open.ticks + ticks > partTargetTicks)) {
      this.publishOpenPart();
    }

    if (!this.#current) this.#startSegment(fragment, init, decodeTime);
    const open = this.#open ?? {
      fragments: [],
      ticks: 0,
      samples: 0,
      independent: fragment.independent,
      byteLength: 0,
    };
    open.fragments.push(fragment.bytes);
    open.ticks += ticks;
    open.samples += samples;
    open.byteLength += fragment.bytes.length;
    this.#open = open;

    if (fragment.independent && init.keyframeParts) {
      if (this.#ticksSinceKeyframe > 0) this.#keyframeInterval = this.#ticksSinceKeyframe;
      this.#ticksSinceKeyframe = 0;
    }
    this.#ticksSinceKeyframe += ticks;
    this.#lastFragmentTicks = ticks;
    this.#nextDecodeTime = decodeTime === undefined ? undefined : decodeTime + ticks;

    // Publish as soon as another fragment of the same size would not fit: waiting for that next
    // fragment to find out would delay every part by a whole fragment.
    if (open.ticks + ticks > partTargetTicks) this.publishOpenPart();
    return true;
  }

  /** A new timeline: close what is open; the next segment gets EXT-X-DISCONTINUITY (§4.4.4.3). */
  discontinuity(): void {
    this.publishOpenPart();
    this.completeCurrent();
    if (this.#completedSegments > 0) this.#pendingDiscontinuity = true;
    this.#needIndependent = true;
    this.#o.clock.reset();
    this.#nextDecodeTime = undefined;
    this.#keyframeInterval = undefined;
    this.#ticksSinceKeyframe = 0;
  }

  /** Whether the next fragment will probably start a new segment (for the preload hint). */
  predictSegmentEnd(init: InitRecord | undefined): boolean {
    if (!init || this.#segmentTicks() < this.#closeThreshold(init)) return false;
    if (!init.keyframeParts) return true;
    // With a regular GOP the next keyframe is due once a keyframe interval has elapsed.
    if (this.#keyframeInterval === undefined) return true;
    return this.#ticksSinceKeyframe + this.#lastFragmentTicks / 2 >= this.#keyframeInterval;
  }

  /** Publishes the part being accumulated; false when there was none. */
  publishOpenPart(): boolean {
    const open = this.#open;
    const seg = this.#current;
    if (!open || !seg) return false;
    this.#open = undefined;
    const bytes = open.fragments.length === 1 ? open.fragments[0]! : concat(open.fragments, open.byteLength);
    const part: Part = { index: seg.parts.length, ticks: open.ticks, independent: open.independent, bytes };
    seg.parts.push(part);
    seg.ticks += open.ticks;
    seg.samples += open.samples;
    seg.byteLength += open.byteLength;
    this.#o.hooks.partPublished(seg, part);
    return true;
  }

  completeCurrent(): void {
    const seg = this.#current;
    if (!seg) return;
    this.#current = undefined;
    if (seg.parts.length === 0) {
      this.#o.hooks.dropped(seg.msn);
      this.#nextMsn = seg.msn;
      return;
    }
    // One buffer per segment; parts become views into it so nothing is held twice.
    const bytes = concat(
      seg.parts.map((p) => p.bytes),
      seg.byteLength,
    );
    let offset = 0;
    for (const part of seg.parts) {
      part.bytes = bytes.subarray(offset, offset + part.bytes.length);
      offset += part.bytes.length;
    }
    seg.bytes = bytes;
    seg.complete = true;
    this.#lastCompleteMsn = seg.msn;
    this.#completedSegments++;
    this.#o.clock.segmentEnded(seg.programDateTime + (seg.ticks * 1000) / seg.timescale);
    this.#maxSegmentSeconds = Math.max(this.#maxSegmentSeconds, seg.ticks / seg.timescale);
    this.#o.hooks.completed(seg);
  }

  #segmentTicks(): number {
    return (this.#current?.ticks ?? 0) + (this.#open?.ticks ?? 0);
  }

  #closeThreshold(init: InitRecord): number {
    return Math.floor(this.#o.targetSeconds * SEGMENT_CLOSE_FRACTION * init.timescale);
  }

  #startSegment(fragment: Fragment, init: InitRecord, decodeTime: number | undefined): void {
    const ticks = decodeTime ?? this.#nextDecodeTime ?? 0;
    const programDateTime = this.#o.clock.dateOf(fragment, init, ticks);
    if (this.#pendingDiscontinuity) this.#discontinuitySequence++;
    const seg: Segment = {
      msn: this.#nextMsn++,
      initId: init.id,
      timescale: init.timescale,
      discontinuity: this.#pendingDiscontinuity,
      discontinuitySequence: this.#discontinuitySequence,
      programDateTime,
      parts: [],
      ticks: 0,
      samples: 0,
      byteLength: 0,
      complete: false,
      bytes: undefined,
    };
    this.#pendingDiscontinuity = false;
    this.#current = seg;
    this.#o.hooks.started(seg);
  }
}

/** Duration of a fragment on the timing track's clock. */
function fragmentTiming(
  fragment: Fragment,
  init: InitRecord,
): { ticks: number; samples: number; decodeTime: number | undefined } {
  const timing = fragment.tracks.find((t) => t.trackId === init.timingTrackId);
  if (timing) return { ticks: timing.duration, samples: timing.sampleCount, decodeTime: timing.baseMediaDecodeTime };
  // No traf for the timing track (e.g. an audio-only moof in a muxed stream): use the longest track.
  let seconds = 0;
  for (const t of fragment.tracks) if (t.timescale > 0) seconds = Math.max(seconds, t.duration / t.timescale);
  return { ticks: Math.round(seconds * init.timescale), samples: 0, decodeTime: undefined };
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

// LL-HLS packager for one rendition (draft-pantos-hls-rfc8216bis). It groups fMP4 fragments into
// Partial Segments and Media Segments, keeps a sliding live window, renders the media playlist and
// answers "is part (msn, n) there yet?" for blocking playlist reload and preload hint requests.
//
// Timing is computed in ticks of the rendition's timing track (video if present, else the first
// track), so part and segment durations are exact sums, and comparisons with PART-TARGET are not
// subject to float drift.
import type { Fmp4Event, Fragment, InitSegment } from '../fmp4/types.ts';
import { hlsNames } from './naming.ts';
import {
  LL_HLS_VERSION,
  type MediaPlaylistModel,
  type PlaylistSegment,
  type RenditionReport,
  renderMediaPlaylist,
} from './media-playlist.ts';
import { Listeners, type MediaLogger, systemTimers, type Timers, WaitQueue } from './waiting.ts';

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

type Part = {
  index: number;
  ticks: number;
  independent: boolean;
  bytes: Uint8Array;
};

type Segment = {
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

type OpenPart = {
  fragments: Uint8Array[];
  ticks: number;
  samples: number;
  independent: boolean;
  byteLength: number;
};

type InitRecord = { id: number; init: InitSegment; timingTrackId: number; timescale: number; keyframeParts: boolean };

/** A segment closes at a keyframe once it holds this fraction of the target, absorbing timestamp jitter. */
const SEGMENT_CLOSE_FRACTION = 0.9;
/** §6.2.2: EXT-X-PART tags are removed once more than three target durations from the end. */
const PART_RETENTION_TARGET_DURATIONS = 3;

export class LlHlsPackager {
  readonly partTarget: number;
  readonly #targetSeconds: number;
  readonly #windowDuration: number;
  readonly #partHoldBack: number;
  readonly #holdBack: number | undefined;
  readonly #canSkipUntil: number | false | undefined;
  readonly #now: () => number;
  readonly #logger: MediaLogger | undefined;
  readonly #waiters: WaitQueue;

  readonly #inits = new Map<number, InitRecord>();
  #init: InitRecord | undefined;
  #nextInitId = 0;

  /** Complete segments in the live playlist, oldest first. */
  #window: Segment[] = [];
  /** Every segment whose bytes are still served (window, evicted-but-available, current). */
  readonly #byMsn = new Map<number, Segment>();
  #evicted: Segment[] = [];
  #current: Segment | undefined;
  #open: OpenPart | undefined;
  #nextMsn: number;
  #lastCompleteMsn: number;
  #discontinuitySequence = 0;
  #pendingDiscontinuity = false;
  #needIndependent = true;
  #anchor: { wallClockMs: number; ticks: number } | undefined;
  #nextDecodeTime: number | undefined;
  #lastFragmentTicks = 0;
  #ticksSinceKeyframe = 0;
  #keyframeInterval: number | undefined;
  #maxSegmentSeconds = 0;
  #edgeSeconds = 0;
  /** Wall-clock end of the last completed segment, so PDT never runs backwards. */
  #timelineEndMs: number | undefined;
  #completedSegments = 0;
  #ended = false;
  #warnedOversize = false;

  /** Fragments dropped while waiting for an independent (keyframe) fragment. */
  droppedFragments = 0;

  readonly #onPart: Listeners<PartInfo>;
  readonly #onSegment: Listeners<SegmentInfo>;
  readonly #onEvict: Listeners<SegmentInfo>;
  readonly #onInit: Listeners<InitInfo>;
  readonly #onChange: Listeners<void>;

  constructor(options: PackagerOptions) {
    const { targetDuration, partTarget } = options;
    if (!(targetDuration > 0) || !(partTarget > 0) || partTarget > targetDuration) {
      throw new RangeError('need 0 < partTarget <= targetDuration');
    }
    this.partTarget = partTarget;
    this.#targetSeconds = targetDuration;
    this.#windowDuration = Math.max(options.windowDuration ?? 12 * targetDuration, 3 * Math.ceil(targetDuration));
    this.#partHoldBack = Math.max(options.partHoldBack ?? 3 * partTarget, 2 * partTarget);
    this.#holdBack = options.holdBack;
    this.#canSkipUntil = options.canSkipUntil;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
    this.#waiters = new WaitQueue(options.timers ?? systemTimers);
    this.#nextMsn = options.firstMediaSequence ?? 0;
    this.#lastCompleteMsn = this.#nextMsn - 1;
    const onError = (err: unknown) => this.#logger?.warn({ err }, 'hls packager listener failed');
    this.#onPart = new Listeners(onError);
    this.#onSegment = new Listeners(onError);
    this.#onEvict = new Listeners(onError);
    this.#onInit = new Listeners(onError);
    this.#onChange = new Listeners(onError);
  }

  // ---- events -------------------------------------------------------------------------------

  /** A part was published (listed in the playlist, bytes servable). */
  onPart(listener: (part: PartInfo) => void): () => void {
    return this.#onPart.add(listener);
  }
  /** A segment completed; keep `bytes` for VOD here (they are final). */
  onSegment(listener: (segment: SegmentInfo) => void): () => void {
    return this.#onSegment.add(listener);
  }
  /** A segment left the live playlist (its bytes stay servable for the spec's availability window). */
  onEvict(listener: (segment: SegmentInfo) => void): () => void {
    return this.#onEvict.add(listener);
  }
  onInit(listener: (init: InitInfo) => void): () => void {
    return this.#onInit.add(listener);
  }
  /** Anything in the playlist changed. */
  onChange(listener: () => void): () => void {
    return this.#onChange.add(listener);
  }

  // ---- input --------------------------------------------------------------------------------

  push(event: Fmp4Event): void {
    if (event.type === 'init') this.pushInit(event.init);
    else this.pushFragment(event.fragment);
  }

  pushInit(init: InitSegment): void {
    if (this.#ended) return;
    // The same init again is a no-op, except after a discontinuity (a restarted encoder): players
    // re-initialise their decoder there, so the segments after it get their own EXT-X-MAP.
    if (this.#init && !this.#pendingDiscontinuity && bytesEqual(this.#init.init.bytes, init.bytes)) return;
    const timing = init.tracks.find((t) => t.kind === 'video') ?? init.tracks[0];
    if (!timing || !(timing.timescale > 0)) {
      this.#logger?.warn({ tracks: init.tracks.length }, 'init segment without a usable track; ignored');
      return;
    }
    // §6.2.1: a change of encoding parameters must be signalled with EXT-X-DISCONTINUITY.
    if (this.#init && !this.#pendingDiscontinuity) this.discontinuity();
    const record: InitRecord = {
      id: this.#nextInitId++,
      init,
      timingTrackId: timing.id,
      timescale: timing.timescale,
      keyframeParts: timing.kind === 'video',
    };
    this.#inits.set(record.id, record);
    this.#init = record;
    this.#onInit.emit({ initId: record.id, uri: hlsNames.init(record.id), bytes: init.bytes, init });
    this.#changed();
  }

  pushFragment(fragment: Fragment): void {
    if (this.#ended) return;
    const init = this.#init;
    if (!init) {
      this.droppedFragments++;
      this.#logger?.warn({ sequenceNumber: fragment.sequenceNumber }, 'fragment before any init segment; dropped');
      return;
    }
    const { ticks, samples, decodeTime } = fragmentTiming(fragment, init);
    if (ticks <= 0) {
      // Nothing to play (an empty trun); a zero-duration EXT-X-PART would only confuse players.
      this.droppedFragments++;
      return;
    }
    if (this.#needIndependent) {
      // A segment must start where decoding can start; drop the leading dependent frames.
      if (!fragment.independent) {
        this.droppedFragments++;
        return;
      }
      this.#needIndependent = false;
    }
    const partTargetTicks = Math.floor(this.partTarget * init.timescale + 1e-6);
    if (ticks > partTargetTicks && !this.#warnedOversize) {
      this.#warnedOversize = true;
      this.#logger?.warn(
        { fragmentSeconds: ticks / init.timescale, partTarget: this.partTarget },
        'fragment longer than PART-TARGET; its part will exceed PART-TARGET (lower ffmpeg -frag_duration)',
      );
    }
    const keyframeBoundary = fragment.independent && init.keyframeParts;
    const current = this.#current;
    if (current && fragment.independent && this.#segmentTicks() >= this.#closeThreshold(init)) {
      this.#publishOpenPart();
      this.#completeCurrent();
    } else if (this.#open && (keyframeBoundary || this.#open.ticks + ticks > partTargetTicks)) {
      this.#publishOpenPart();
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
    if (open.ticks + ticks > partTargetTicks) this.#publishOpenPart();
    this.#changed();
  }

  /** ffmpeg restarted (or timing jumped): the next segment gets EXT-X-DISCONTINUITY (§4.4.4.3). */
  discontinuity(): void {
    if (this.#ended) return;
    this.#publishOpenPart();
    this.#completeCurrent();
    if (this.#completedSegments > 0) this.#pendingDiscontinuity = true;
    this.#needIndependent = true;
    this.#anchor = undefined;
    this.#nextDecodeTime = undefined;
    this.#keyframeInterval = undefined;
    this.#ticksSinceKeyframe = 0;
    this.#changed();
  }

  /** Publishes the part being accumulated now (e.g. when the encoder stalls). */
  flush(): void {
    if (this.#publishOpenPart()) this.#changed();
  }

  /** The stream is over: close everything and add EXT-X-ENDLIST. Blocked requests are answered. */
  end(): void {
    if (this.#ended) return;
    this.#publishOpenPart();
    this.#completeCurrent();
    this.#ended = true;
    this.#changed();
  }

  // ---- state --------------------------------------------------------------------------------

  get ended(): boolean {
    return this.#ended;
  }

  get init(): InitSegment | undefined {
    return this.#init?.init;
  }

  get currentInitId(): number | undefined {
    return this.#init?.id;
  }

  /** EXT-X-TARGETDURATION: the configured target, raised if a segment ever ran longer (§4.4.3.1). */
  get targetDuration(): number {
    return Math.max(1, Math.round(this.#targetSeconds), Math.round(this.#maxSegmentSeconds));
  }

  /** Last published part: what EXT-X-RENDITION-REPORT LAST-MSN/LAST-PART describe (§4.4.5.4). */
  lastPosition(): { msn: number; part: number } | undefined {
    const current = this.#current;
    if (current && current.parts.length > 0) return { msn: current.msn, part: current.parts.length - 1 };
    const last = this.#byMsn.get(this.#lastCompleteMsn);
    if (last) return { msn: last.msn, part: last.parts.length - 1 };
    return undefined;
  }

  /** The part the next EXT-X-PRELOAD-HINT names, undefined once ended. */
  nextPart(): { msn: number; part: number } | undefined {
    if (this.#ended) return undefined;
    const current = this.#current;
    if (!current) return { msn: this.#nextMsn, part: 0 };
    if (this.#open) return { msn: current.msn, part: current.parts.length };
    return this.#predictSegmentEnd()
      ? { msn: current.msn + 1, part: 0 }
      : { msn: current.msn, part: current.parts.length };
  }

  /** Measured bit rates over the live window, bits/s (§4.4.6.2 BANDWIDTH is the peak segment rate). */
  bitrate(): { peak: number; average: number } | undefined {
    let bytes = 0;
    let seconds = 0;
    let peak = 0;
    for (const seg of this.#window) {
      const duration = seg.ticks / seg.timescale;
      if (duration <= 0) continue;
      bytes += seg.byteLength;
      seconds += duration;
      peak = Math.max(peak, (seg.byteLength * 8) / duration);
    }
    if (seconds === 0) {
      const current = this.#current;
      if (!current || current.ticks === 0) return undefined;
      const rate = (current.byteLength * 8) / (current.ticks / current.timescale);
      return { peak: Math.round(rate), average: Math.round(rate) };
    }
    return { peak: Math.round(peak), average: Math.round((bytes * 8) / seconds) };
  }

  /** Timing-track samples per second over the window (the frame rate for a video rendition). */
  sampleRate(): number | undefined {
    let samples = 0;
    let seconds = 0;
    for (const seg of [...this.#window, ...(this.#current ? [this.#current] : [])]) {
      samples += seg.samples;
      seconds += seg.ticks / seg.timescale;
    }
    return seconds > 0 ? samples / seconds : undefined;
  }

  // ---- resources ----------------------------------------------------------------------------

  getInit(initId: number): Uint8Array | undefined {
    return this.#inits.get(initId)?.init.bytes;
  }

  getSegment(msn: number): Uint8Array | undefined {
    return this.#byMsn.get(msn)?.bytes;
  }

  getPart(msn: number, part: number): Uint8Array | undefined {
    return this.#byMsn.get(msn)?.parts[part]?.bytes;
  }

  // ---- playlist -----------------------------------------------------------------------------

  playlist(options: PlaylistOptions = {}): string {
    return renderMediaPlaylist(this.playlistModel(options));
  }

  playlistModel(options: PlaylistOptions = {}): MediaPlaylistModel {
    const targetDuration = Math.max(options.targetDuration ?? 0, this.targetDuration);
    const listed = [...this.#window];
    if (this.#current && this.#current.parts.length > 0) listed.push(this.#current);
    const ends: number[] = [];
    let total = 0;
    for (const seg of listed) {
      total += seg.ticks / seg.timescale;
      ends.push(total);
    }
    const canSkipUntil = this.#canSkipUntilFor(targetDuration);
    let skipped = 0;
    if (options.skip && canSkipUntil !== undefined && !this.#ended) {
      // §6.2.5.1: skip segments further than the Skip Boundary from the end of the last segment.
      const lastCompleteEnd = ends[this.#window.length - 1] ?? 0;
      while (skipped < this.#window.length && lastCompleteEnd - ends[skipped]! > canSkipUntil) skipped++;
    }
    const segments: PlaylistSegment[] = [];
    let previousInit: number | undefined;
    listed.forEach((seg, i) => {
      if (i < skipped) return;
      const keepParts = total - ends[i]! <= PART_RETENTION_TARGET_DURATIONS * targetDuration;
      segments.push({
        uri: seg.complete ? hlsNames.segment(seg.msn) : undefined,
        duration: seg.complete ? seg.ticks / seg.timescale : undefined,
        // The first segment's discontinuity is carried by EXT-X-DISCONTINUITY-SEQUENCE instead.
        discontinuity: i > 0 && seg.discontinuity,
        mapUri: seg.initId !== previousInit ? hlsNames.init(seg.initId) : undefined,
        programDateTime: seg.programDateTime,
        parts: keepParts
          ? seg.parts.map((p) => ({
              uri: hlsNames.part(seg.msn, p.index),
              duration: p.ticks / seg.timescale,
              independent: p.independent,
            }))
          : undefined,
      });
      previousInit = seg.initId;
    });
    const first = listed[0];
    const hint = this.nextPart();
    return {
      version: LL_HLS_VERSION,
      targetDuration,
      mediaSequence: first?.msn ?? this.#nextMsn,
      discontinuitySequence: first ? first.discontinuitySequence : this.#discontinuitySequence,
      independentSegments: true,
      partTarget: this.partTarget,
      serverControl: {
        canBlockReload: true,
        canSkipUntil,
        partHoldBack: this.#partHoldBack,
        holdBack: Math.max(this.#holdBack ?? 0, 3 * targetDuration),
      },
      skippedSegments: skipped,
      segments,
      preloadHint: hint && this.#init ? { type: 'PART', uri: hlsNames.part(hint.msn, hint.part) } : undefined,
      renditionReports: options.renditionReports,
      endList: this.#ended,
    };
  }

  #canSkipUntilFor(targetDuration: number): number | undefined {
    if (this.#canSkipUntil === false) return undefined;
    return Math.max(this.#canSkipUntil ?? 0, 6 * targetDuration);
  }

  // ---- blocking reload ----------------------------------------------------------------------

  /**
   * §6.2.5.2: true once the playlist holds segment `msn` (or a later one); with `part`, once it
   * holds that part of `msn` or anything later. A part index past the last part of a completed
   * segment means part 0 of the next segment. Always true once the stream has ended (directives
   * are ignored with EXT-X-ENDLIST).
   */
  isReady(position: PlaylistPosition): boolean {
    if (this.#ended) return true;
    if (position.part === undefined) return this.#lastCompleteMsn >= position.msn;
    // Lexicographic "(msn, part) or later" already treats a part index past a segment's last part
    // as part 0 of the next segment (§6.2.5.2): (msn + 1, 0) is the first position after it.
    const last = this.lastPosition();
    if (!last) return false;
    return last.msn > position.msn || (last.msn === position.msn && last.part >= position.part);
  }

  /**
   * §6.2.5.2: a request more than two segments ahead, or further than the Advance Part Limit past
   * the last part, should get 400 at once instead of blocking.
   */
  isTooFarAhead(position: PlaylistPosition): boolean {
    if (this.#ended) return false;
    const last = this.lastPosition() ?? { msn: this.#nextMsn - 1, part: -1 };
    if (position.msn > last.msn + 2) return true;
    if (position.part === undefined) return false;
    const advancePartLimit = this.partTarget < 1 ? 3 / this.partTarget : 3;
    const partsPerSegment = Math.max(1, Math.ceil(this.#targetSeconds / this.partTarget));
    let ahead: number;
    if (position.msn <= last.msn) {
      ahead = position.msn === last.msn ? position.part - last.part : 0;
    } else {
      ahead =
        Math.max(0, partsPerSegment - 1 - last.part) +
        (position.msn - last.msn - 1) * partsPerSegment +
        position.part +
        1;
    }
    return ahead > advancePartLimit;
  }

  /** Waits until isReady(position); 'timeout' after timeoutMs (the HTTP layer answers 503). */
  waitFor(position: PlaylistPosition, timeoutMs: number, signal?: AbortSignal): Promise<WaitResult> {
    return this.#waiters.wait<WaitResult>(
      () => (this.isReady(position) ? WaitResult.Ready : undefined),
      timeoutMs,
      WaitResult.Timeout,
      WaitResult.Aborted,
      signal,
    );
  }

  /** Resolves true once an init segment exists (or the stream ended); false on timeout/abort. */
  waitForInit(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.#waiters.wait(() => (this.#init || this.#ended ? true : undefined), timeoutMs, false, false, signal);
  }

  /**
   * Part bytes as soon as they exist. Only the part a preload hint names (or its alternative across a
   * segment boundary) is waited for; anything else that does not exist is 'not-found' (§6.2.6).
   */
  waitForPart(msn: number, part: number, timeoutMs: number, signal?: AbortSignal): Promise<PartWaitResult> {
    const existing = this.getPart(msn, part);
    if (existing) return Promise.resolve({ status: 'ready', bytes: existing });
    if (!this.#mayAppear(msn, part)) return Promise.resolve({ status: 'not-found' });
    return this.#waiters.wait<PartWaitResult>(
      () => {
        const bytes = this.getPart(msn, part);
        if (bytes) return { status: 'ready', bytes };
        return this.#mayAppear(msn, part) ? undefined : { status: 'not-found' };
      },
      timeoutMs,
      { status: 'timeout' },
      { status: 'aborted' },
      signal,
    );
  }

  /** Whether (msn, part) can still be published: it is (one of) the next part(s). */
  #mayAppear(msn: number, part: number): boolean {
    if (this.#ended) return false;
    const current = this.#current;
    if (!current) return msn === this.#nextMsn && part === 0;
    if (msn === current.msn) return part === current.parts.length;
    return msn === current.msn + 1 && part === 0;
  }

  // ---- internals ----------------------------------------------------------------------------

  #segmentTicks(): number {
    return (this.#current?.ticks ?? 0) + (this.#open?.ticks ?? 0);
  }

  #closeThreshold(init: InitRecord): number {
    return Math.floor(this.#targetSeconds * SEGMENT_CLOSE_FRACTION * init.timescale);
  }

  /** Whether the next fragment will probably start a new segment (for the preload hint). */
  #predictSegmentEnd(): boolean {
    const init = this.#init;
    if (!init || this.#segmentTicks() < this.#closeThreshold(init)) return false;
    if (!init.keyframeParts) return true;
    // With a regular GOP the next keyframe is due once a keyframe interval has elapsed.
    if (this.#keyframeInterval === undefined) return true;
    return this.#ticksSinceKeyframe + this.#lastFragmentTicks / 2 >= this.#keyframeInterval;
  }

  #startSegment(fragment: Fragment, init: InitRecord, decodeTime: number | undefined): void {
    const ticks = decodeTime ?? this.#nextDecodeTime ?? 0;
    if (!this.#anchor) {
      // Map media time to wall clock once per timeline, so PDT advances exactly with the media (§4.4.4.6).
      const prft = fragment.producerReferenceTime;
      const anchor =
        prft && prft.trackId === init.timingTrackId
          ? { wallClockMs: prft.wallClockMs, ticks: prft.mediaTime }
          : { wallClockMs: this.#now(), ticks };
      // §6.2.1: a new timeline must not map dates onto earlier segments (clock steps, odd prft).
      const startMs = anchor.wallClockMs + ((ticks - anchor.ticks) * 1000) / init.timescale;
      if (this.#timelineEndMs !== undefined && startMs < this.#timelineEndMs) {
        anchor.wallClockMs += this.#timelineEndMs - startMs;
      }
      this.#anchor = anchor;
    }
    if (this.#pendingDiscontinuity) this.#discontinuitySequence++;
    const seg: Segment = {
      msn: this.#nextMsn++,
      initId: init.id,
      timescale: init.timescale,
      discontinuity: this.#pendingDiscontinuity,
      discontinuitySequence: this.#discontinuitySequence,
      programDateTime: Math.round(this.#anchor.wallClockMs + ((ticks - this.#anchor.ticks) * 1000) / init.timescale),
      parts: [],
      ticks: 0,
      samples: 0,
      byteLength: 0,
      complete: false,
      bytes: undefined,
    };
    this.#pendingDiscontinuity = false;
    this.#current = seg;
    this.#byMsn.set(seg.msn, seg);
  }

  #publishOpenPart(): boolean {
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
    this.#edgeSeconds += open.ticks / seg.timescale;
    this.#onPart.emit({
      msn: seg.msn,
      part: part.index,
      uri: hlsNames.part(seg.msn, part.index),
      duration: part.ticks / seg.timescale,
      independent: part.independent,
      bytes,
      initId: seg.initId,
    });
    return true;
  }

  #completeCurrent(): void {
    const seg = this.#current;
    if (!seg) return;
    this.#current = undefined;
    if (seg.parts.length === 0) {
      this.#byMsn.delete(seg.msn);
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
    this.#window.push(seg);
    this.#lastCompleteMsn = seg.msn;
    this.#completedSegments++;
    this.#timelineEndMs = seg.programDateTime + (seg.ticks * 1000) / seg.timescale;
    this.#maxSegmentSeconds = Math.max(this.#maxSegmentSeconds, seg.ticks / seg.timescale);
    this.#onSegment.emit(this.#segmentInfo(seg));
    this.#prune();
  }

  #prune(): void {
    let total = this.#window.reduce((sum, s) => sum + s.ticks / s.timescale, 0);
    // §6.2.2: never shrink a live playlist below three target durations.
    const keep = Math.max(this.#windowDuration, 3 * this.targetDuration);
    while (this.#window.length > 1) {
      const first = this.#window[0]!;
      const duration = first.ticks / first.timescale;
      if (total - duration < keep) break;
      this.#window.shift();
      total -= duration;
      // §6.2.2: an evicted segment stays downloadable for its Availability Duration (its own
      // duration plus the longest playlist that held it), counted here in published media seconds.
      const playlistDuration = total + duration;
      first.purgeAtEdge = this.#edgeSeconds + duration + playlistDuration;
      this.#evicted.push(first);
      this.#onEvict.emit(this.#segmentInfo(first));
    }
    while (this.#evicted.length > 0 && this.#evicted[0]!.purgeAtEdge! <= this.#edgeSeconds) {
      this.#byMsn.delete(this.#evicted.shift()!.msn);
    }
    const used = new Set<number>([...this.#byMsn.values()].map((s) => s.initId));
    for (const id of this.#inits.keys()) {
      if (id !== this.#init?.id && !used.has(id)) this.#inits.delete(id);
    }
  }

  #segmentInfo(seg: Segment): SegmentInfo {
    return {
      msn: seg.msn,
      uri: hlsNames.segment(seg.msn),
      duration: seg.ticks / seg.timescale,
      parts: seg.parts.length,
      bytes: seg.bytes!,
      initId: seg.initId,
      initUri: hlsNames.init(seg.initId),
      discontinuity: seg.discontinuity,
      discontinuitySequence: seg.discontinuitySequence,
      programDateTime: seg.programDateTime,
    };
  }

  #changed(): void {
    this.#waiters.notify();
    this.#onChange.emit(undefined);
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

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// LL-HLS packager for one rendition (draft-pantos-hls-rfc8216bis): fMP4 in (segmenter.ts cuts
// parts and segments), a sliding live window (live-window.ts), the media playlist
// (live-playlist-model.ts), and "is part (msn, n) there yet?" for blocking reloads (readiness.ts).
import type { Fmp4Event, Fragment, InitSegment } from '../fmp4/types.ts';
import { livePlaylistModel } from './live-playlist-model.ts';
import { LiveWindow } from './live-window.ts';
import { type MediaPlaylistModel, renderMediaPlaylist } from './media-playlist.ts';
import { hlsNames } from './naming.ts';
import {
  type InitInfo,
  type InitRecord,
  type PackagerOptions,
  type Part,
  type PartInfo,
  type PartWaitResult,
  type PlaylistOptions,
  type PlaylistPosition,
  type Segment,
  type SegmentInfo,
  WaitResult,
} from './packager-types.ts';
import { isReady, isTooFarAhead, type LiveEdge, mayAppear } from './readiness.ts';
import { Segmenter } from './segmenter.ts';
import { Listeners, type MediaLogger, systemTimers, WaitQueue } from './waiting.ts';
import { WallClockAnchor } from './wall-clock-anchor.ts';

export class LlHlsPackager {
  readonly partTarget: number;
  readonly #targetSeconds: number;
  readonly #partHoldBack: number;
  readonly #holdBack: number | undefined;
  readonly #canSkipUntil: number | false | undefined;
  readonly #logger: MediaLogger | undefined;
  readonly #waiters: WaitQueue;

  readonly #inits = new Map<number, InitRecord>();
  #init: InitRecord | undefined;
  #nextInitId = 0;

  readonly #window: LiveWindow;
  readonly #segmenter: Segmenter;
  #ended = false;

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
    this.#window = new LiveWindow(
      Math.max(options.windowDuration ?? 12 * targetDuration, 3 * Math.ceil(targetDuration)),
    );
    this.#partHoldBack = Math.max(options.partHoldBack ?? 3 * partTarget, 2 * partTarget);
    this.#holdBack = options.holdBack;
    this.#canSkipUntil = options.canSkipUntil;
    this.#logger = options.logger;
    this.#waiters = new WaitQueue(options.timers ?? systemTimers);
    this.#segmenter = new Segmenter({
      partTarget,
      targetSeconds: targetDuration,
      firstMediaSequence: options.firstMediaSequence ?? 0,
      clock: new WallClockAnchor(options.now ?? Date.now),
      logger: options.logger,
      hooks: {
        started: (segment) => this.#window.track(segment),
        dropped: (msn) => this.#window.forget(msn),
        partPublished: (segment, part) => this.#partPublished(segment, part),
        completed: (segment) => this.#segmentCompleted(segment),
      },
    });
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
    if (this.#init && !this.#segmenter.pendingDiscontinuity && bytesEqual(this.#init.init.bytes, init.bytes)) return;
    const timing = init.tracks.find((t) => t.kind === 'video') ?? init.tracks[0];
    if (!timing || !(timing.timescale > 0)) {
      this.#logger?.warn({ tracks: init.tracks.length }, 'init segment without a usable track; ignored');
      return;
    }
    // §6.2.1: a change of encoding parameters must be signalled with EXT-X-DISCONTINUITY.
    if (this.#init && !this.#segmenter.pendingDiscontinuity) this.discontinuity();
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
      this.#segmenter.droppedFragments++;
      this.#logger?.warn({ sequenceNumber: fragment.sequenceNumber }, 'fragment before any init segment; dropped');
      return;
    }
    if (this.#segmenter.push(fragment, init)) this.#changed();
  }

  /** Fragments dropped (before an init, empty, or while waiting for a key frame). */
  get droppedFragments(): number {
    return this.#segmenter.droppedFragments;
  }

  /** ffmpeg restarted (or timing jumped): the next segment gets EXT-X-DISCONTINUITY (§4.4.4.3). */
  discontinuity(): void {
    if (this.#ended) return;
    this.#segmenter.discontinuity();
    this.#changed();
  }

  /** Publishes the part being accumulated now (e.g. when the encoder stalls). */
  flush(): void {
    if (this.#segmenter.publishOpenPart()) this.#changed();
  }

  /** The stream is over: close everything and add EXT-X-ENDLIST. Blocked requests are answered. */
  end(): void {
    if (this.#ended) return;
    this.#segmenter.publishOpenPart();
    this.#segmenter.completeCurrent();
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
    return Math.max(1, Math.round(this.#targetSeconds), Math.round(this.#segmenter.maxSegmentSeconds));
  }

  /** Last published part: what EXT-X-RENDITION-REPORT LAST-MSN/LAST-PART describe (§4.4.5.4). */
  lastPosition(): { msn: number; part: number } | undefined {
    const current = this.#segmenter.current;
    if (current && current.parts.length > 0) return { msn: current.msn, part: current.parts.length - 1 };
    const last = this.#window.get(this.#segmenter.lastCompleteMsn);
    if (last) return { msn: last.msn, part: last.parts.length - 1 };
    return undefined;
  }

  /** The part the next EXT-X-PRELOAD-HINT names, undefined once ended. */
  nextPart(): { msn: number; part: number } | undefined {
    if (this.#ended) return undefined;
    const current = this.#segmenter.current;
    if (!current) return { msn: this.#segmenter.nextMsn, part: 0 };
    if (this.#segmenter.hasOpenPart) return { msn: current.msn, part: current.parts.length };
    return this.#segmenter.predictSegmentEnd(this.#init)
      ? { msn: current.msn + 1, part: 0 }
      : { msn: current.msn, part: current.parts.length };
  }

  /** Measured bit rates over the live window, bits/s (§4.4.6.2 BANDWIDTH is the peak segment rate). */
  bitrate(): { peak: number; average: number } | undefined {
    return this.#window.bitrate(this.#segmenter.current);
  }

  /** Timing-track samples per second over the window (the frame rate for a video rendition). */
  sampleRate(): number | undefined {
    return this.#window.sampleRate(this.#segmenter.current);
  }

  // ---- resources ----------------------------------------------------------------------------

  getInit(initId: number): Uint8Array | undefined {
    return this.#inits.get(initId)?.init.bytes;
  }

  getSegment(msn: number): Uint8Array | undefined {
    return this.#window.get(msn)?.bytes;
  }

  getPart(msn: number, part: number): Uint8Array | undefined {
    return this.#window.get(msn)?.parts[part]?.bytes;
  }

  // ---- playlist -----------------------------------------------------------------------------

  playlist(options: PlaylistOptions = {}): string {
    return renderMediaPlaylist(this.playlistModel(options));
  }

  playlistModel(options: PlaylistOptions = {}): MediaPlaylistModel {
    const hint = this.nextPart();
    return livePlaylistModel(
      {
        window: this.#window.segments,
        current: this.#segmenter.current,
        nextMsn: this.#segmenter.nextMsn,
        discontinuitySequence: this.#segmenter.discontinuitySequence,
        ended: this.#ended,
        partTarget: this.partTarget,
        targetDuration: this.targetDuration,
        canSkipUntil: this.#canSkipUntil,
        partHoldBack: this.#partHoldBack,
        holdBack: this.#holdBack,
        hint: hint && this.#init ? hint : undefined,
      },
      options,
    );
  }

  // ---- blocking reload ----------------------------------------------------------------------

  /** §6.2.5.2: whether the playlist holds `position` (see readiness.ts). */
  isReady(position: PlaylistPosition): boolean {
    return isReady(this.#edge(), position);
  }

  /** §6.2.5.2: a request this far ahead gets 400 at once instead of blocking. */
  isTooFarAhead(position: PlaylistPosition): boolean {
    return isTooFarAhead(this.#edge(), position, this.partTarget, this.#targetSeconds);
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

  #mayAppear(msn: number, part: number): boolean {
    return mayAppear(this.#edge(), msn, part);
  }

  #edge(): LiveEdge {
    const current = this.#segmenter.current;
    return {
      ended: this.#ended,
      lastCompleteMsn: this.#segmenter.lastCompleteMsn,
      last: this.lastPosition(),
      nextMsn: this.#segmenter.nextMsn,
      current: current ? { msn: current.msn, parts: current.parts.length } : undefined,
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  #partPublished(seg: Segment, part: Part): void {
    this.#window.published(part.ticks / seg.timescale);
    this.#onPart.emit({
      msn: seg.msn,
      part: part.index,
      uri: hlsNames.part(seg.msn, part.index),
      duration: part.ticks / seg.timescale,
      independent: part.independent,
      bytes: part.bytes,
      initId: seg.initId,
    });
  }

  #segmentCompleted(seg: Segment): void {
    this.#window.add(seg);
    this.#onSegment.emit(this.#segmentInfo(seg));
    this.#prune();
  }

  /** Announces evictions from the window and drops inits no served segment uses. */
  #prune(): void {
    for (const evicted of this.#window.evict(this.targetDuration)) this.#onEvict.emit(this.#segmentInfo(evicted));
    const used = this.#window.initsInUse();
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

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

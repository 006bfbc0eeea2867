// The live window and eviction: complete segments listed in the live playlist, and every segment
// whose bytes are still served (listed, evicted but within their availability, in progress).
import type { Segment } from './packager-types.ts';

export class LiveWindow {
  /** Complete segments in the live playlist, oldest first. */
  readonly segments: Segment[] = [];
  readonly #byMsn = new Map<number, Segment>();
  #evicted: Segment[] = [];
  /** Media seconds published so far: the clock evicted segments' availability is counted on. */
  #edgeSeconds = 0;
  readonly #windowDuration: number;

  constructor(windowDuration: number) {
    this.#windowDuration = windowDuration;
  }

  /** A segment's bytes are served from now on (it started). */
  track(segment: Segment): void {
    this.#byMsn.set(segment.msn, segment);
  }

  /** A segment that never got a part is dropped. */
  forget(msn: number): void {
    this.#byMsn.delete(msn);
  }

  get(msn: number): Segment | undefined {
    return this.#byMsn.get(msn);
  }

  /** A part of this many seconds was published. */
  published(seconds: number): void {
    this.#edgeSeconds += seconds;
  }

  /** Lists a completed segment (at the live end). */
  add(segment: Segment): void {
    this.segments.push(segment);
  }

  /**
   * Evicts from the front while the rest still covers the window (never below three target
   * durations, §6.2.2), and purges evicted segments whose availability is over. Returns the
   * segments evicted now.
   */
  evict(targetDuration: number): Segment[] {
    const evictedNow: Segment[] = [];
    let total = this.segments.reduce((sum, s) => sum + s.ticks / s.timescale, 0);
    const keep = Math.max(this.#windowDuration, 3 * targetDuration);
    while (this.segments.length > 1) {
      const first = this.segments[0]!;
      const duration = first.ticks / first.timescale;
      if (total - duration < keep) break;
      this.segments.shift();
      total -= duration;
      // §6.2.2: an evicted segment stays downloadable for its Availability Duration (its own
      // duration plus the longest playlist that held it), counted here in published media seconds.
      const playlistDuration = total + duration;
      first.purgeAtEdge = this.#edgeSeconds + duration + playlistDuration;
      this.#evicted.push(first);
      evictedNow.push(first);
    }
    while (this.#evicted.length > 0 && this.#evicted[0]!.purgeAtEdge! <= this.#edgeSeconds) {
      this.#byMsn.delete(this.#evicted.shift()!.msn);
    }
    return evictedNow;
  }

  /** Init ids some served segment decodes with. */
  initsInUse(): Set<number> {
    return new Set([...this.#byMsn.values()].map((s) => s.initId));
  }

  /** Measured bit rates over the window, bits/s (§4.4.6.2 BANDWIDTH is the peak segment rate). */
  bitrate(current: Segment | undefined): { peak: number; average: number } | undefined {
    let bytes = 0;
    let seconds = 0;
    let peak = 0;
    for (const seg of this.segments) {
      const duration = seg.ticks / seg.timescale;
      if (duration <= 0) continue;
      bytes += seg.byteLength;
      seconds += duration;
      peak = Math.max(peak, (seg.byteLength * 8) / duration);
    }
    if (seconds === 0) {
      if (!current || current.ticks === 0) return undefined;
      const rate = (current.byteLength * 8) / (current.ticks / current.timescale);
      return { peak: Math.round(rate), average: Math.round(rate) };
    }
    return { peak: Math.round(peak), average: Math.round((bytes * 8) / seconds) };
  }

  /** Timing-track samples per second over the window (the frame rate for a video rendition). */
  sampleRate(current: Segment | undefined): number | undefined {
    let samples = 0;
    let seconds = 0;
    for (const seg of [...this.segments, ...(current ? [current] : [])]) {
      samples += seg.samples;
      seconds += seg.ticks / seg.timescale;
    }
    return seconds > 0 ? samples / seconds : undefined;
  }
}

// EXT-X-PROGRAM-DATE-TIME: media time maps to wall clock once per timeline (from the encoder's
// prft box when it has one, else the clock when the timeline's first segment starts), so dates
// advance exactly with the media (§4.4.4.6) and never run backwards across timelines (§6.2.1).
import type { Fragment } from '../fmp4/types.ts';
import type { InitRecord } from './packager-types.ts';

export class WallClockAnchor {
  #anchor: { wallClockMs: number; ticks: number } | undefined;
  /** Wall-clock end of the last completed segment. */
  #timelineEndMs: number | undefined;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** A new timeline (discontinuity): the next segment anchors again. */
  reset(): void {
    this.#anchor = undefined;
  }

  /** The wall-clock time (epoch ms) of media time `ticks`, anchoring the timeline at its first segment. */
  dateOf(fragment: Fragment, init: InitRecord, ticks: number): number {
    if (!this.#anchor) {
      const prft = fragment.producerReferenceTime;
      const anchor =
        prft && prft.trackId === init.timingTrackId
          ? { wallClockMs: prft.wallClockMs, ticks: prft.mediaTime }
          : { wallClockMs: this.#now(), ticks };
      // A new timeline must not map dates onto earlier segments (clock steps, odd prft).
      const startMs = anchor.wallClockMs + ((ticks - anchor.ticks) * 1000) / init.timescale;
      if (this.#timelineEndMs !== undefined && startMs < this.#timelineEndMs) {
        anchor.wallClockMs += this.#timelineEndMs - startMs;
      }
      this.#anchor = anchor;
    }
    return Math.round(this.#anchor.wallClockMs + ((ticks - this.#anchor.ticks) * 1000) / init.timescale);
  }

  /** A segment completed ending at this wall-clock time. */
  segmentEnded(endMs: number): void {
    this.#timelineEndMs = endMs;
  }
}

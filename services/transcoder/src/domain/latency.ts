// Internal latency: from a frame entering ffmpeg's input (its FLV tag written to ffmpeg's stdin)
// to the part holding it being published, which is when a blocked request for it is answered.

/** When input frames (FLV timestamps, ms) were handed to ffmpeg, for the last few seconds. */
export class FrameClock {
  private readonly media: Float64Array;
  private readonly wall: Float64Array;
  private next = 0;
  private count = 0;
  /** The run's first frame (the late joiner's key frame), in FLV milliseconds. */
  firstMediaMs: number | undefined;

  constructor(capacity = 1024) {
    this.media = new Float64Array(capacity);
    this.wall = new Float64Array(capacity);
  }

  record(mediaMs: number, wallMs: number): void {
    this.firstMediaMs ??= mediaMs;
    this.media[this.next] = mediaMs;
    this.wall[this.next] = wallMs;
    this.next = (this.next + 1) % this.media.length;
    this.count = Math.min(this.count + 1, this.media.length);
  }

  /** When the frame at `relativeMs` after the run's first frame entered (the first at or after it). */
  enteredAt(relativeMs: number): number | undefined {
    if (this.firstMediaMs === undefined) return undefined;
    const target = this.firstMediaMs + relativeMs - 0.5;
    let best: number | undefined;
    let bestMedia = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.count; i++) {
      const m = this.media[i]!;
      if (m >= target && m < bestMedia) {
        bestMedia = m;
        best = this.wall[i];
      }
    }
    return best;
  }
}

/**
 * Follows one rendition's fragments into the packager to learn which media time each published
 * part ends at. ffmpeg shifts timestamps by a constant, so the run's first timed fragment is
 * anchored to the run's first input frame. A part either includes the fragment being pushed or
 * (at a key frame or when full) holds only the fragments before it; its byte length tells which.
 */
export class PartTimeline {
  private anchorSeconds: number | undefined;
  private openBytes = 0;
  private previousEndMs: number | undefined;
  private pending: { before: number; size: number; endMs: number | undefined } | undefined;

  reset(): void {
    this.anchorSeconds = undefined;
    this.openBytes = 0;
    this.previousEndMs = undefined;
    this.pending = undefined;
  }

  /** Before pushing a fragment; start/end of its timing track in seconds when it has one. */
  beforePush(size: number, timing: { start: number; end: number } | undefined): void {
    if (timing) this.anchorSeconds ??= timing.start;
    const endMs = timing && this.anchorSeconds !== undefined ? (timing.end - this.anchorSeconds) * 1000 : undefined;
    this.pending = { before: this.openBytes, size, endMs };
    this.openBytes += size;
  }

  /** A part was published during the push: the media end (ms after the anchor) of its last fragment. */
  partPublished(partBytes: number): number | undefined {
    const p = this.pending;
    if (!p) return undefined;
    if (p.before > 0 && partBytes === p.before) {
      this.openBytes = p.size;
      return this.previousEndMs;
    }
    this.openBytes = 0;
    return p.endMs;
  }

  afterPush(): void {
    if (this.pending?.endMs !== undefined) this.previousEndMs = this.pending.endMs;
    this.pending = undefined;
  }
}

/** A small window of recent samples with percentiles, for /internal/streams and the report. */
export class RecentSamples {
  private readonly values: number[] = [];
  private readonly capacity: number;

  constructor(capacity = 300) {
    this.capacity = capacity;
  }

  add(value: number): void {
    this.values.push(value);
    if (this.values.length > this.capacity) this.values.shift();
  }

  summary(): { count: number; p50: number; p90: number; max: number } | undefined {
    if (this.values.length === 0) return undefined;
    const sorted = [...this.values].sort((a, b) => a - b);
    const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return { count: sorted.length, p50: at(0.5), p90: at(0.9), max: Math.round(sorted.at(-1)!) };
  }
}

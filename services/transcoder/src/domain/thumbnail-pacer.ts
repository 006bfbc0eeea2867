/**
 * Spaces the thumbnails kept for the VOD storyboard: at most one per `minGapMs` of wall-clock
 * time. ffmpeg emits one every 2 s of stream time, which wobbles against the wall clock; a picture
 * that arrives a little early is kept a little later (its name is when it is written) instead of
 * being dropped, so the storyboard has no 4 s holes.
 */
export class ThumbnailPacer {
  private lastKeptAt = Number.NEGATIVE_INFINITY;
  private readonly minGapMs: number;

  constructor(minGapMs = 2000) {
    this.minGapMs = minGapMs;
  }

  /** Milliseconds to wait, from `now`, before a picture arriving now may be kept. */
  delayAt(now: number): number {
    return Math.max(0, this.lastKeptAt + this.minGapMs - now);
  }

  /** A picture was kept at `at` (epoch ms); the next is kept no earlier than at + minGapMs. */
  kept(at: number): void {
    this.lastKeptAt = at;
  }
}

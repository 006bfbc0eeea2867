/**
 * Latencies in buckets 1 % wide (0 ms to several minutes in ~1,200 counters): load generators in
 * several processes each keep one and the benchmark adds them up, instead of shipping every sample.
 */
const STEP = Math.log(1.01);

export class LatencyHistogram {
  readonly counts: number[];

  constructor(counts: number[] = []) {
    this.counts = counts;
  }

  get total(): number {
    return this.counts.reduce((a, b) => a + (b ?? 0), 0);
  }

  record(ms: number): void {
    const bucket = Math.floor(Math.log1p(Math.max(0, ms)) / STEP);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
  }

  add(other: LatencyHistogram): void {
    other.counts.forEach((n, i) => {
      if (n) this.counts[i] = (this.counts[i] ?? 0) + n;
    });
  }

  /** The p-th percentile (0-100), as the middle of its bucket (within 1 %). */
  percentile(p: number): number {
    const total = this.total;
    if (total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.expm1((i + 0.5) * STEP);
    }
    return Math.expm1(this.counts.length * STEP);
  }

  /** Dense and JSON-safe (holes become 0). */
  toJSON(): number[] {
    return Array.from(this.counts, (n) => n ?? 0);
  }
}

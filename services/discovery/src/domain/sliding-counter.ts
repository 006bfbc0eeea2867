/**
 * Counts events over a sliding time window in fixed buckets, so memory does not grow with the
 * event rate (thousands of renewals a second stay a few dozen numbers).
 */
export class SlidingCounter {
  private readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly buckets = new Map<number, number>();

  constructor(windowMs: number, bucketMs = Math.max(50, Math.floor(windowMs / 20))) {
    this.windowMs = windowMs;
    this.bucketMs = bucketMs;
  }

  add(now: number, count = 1): void {
    const key = Math.floor(now / this.bucketMs);
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + count);
    this.prune(now);
  }

  /** Events in (now - window, now]. */
  total(now: number): number {
    this.prune(now);
    let sum = 0;
    for (const count of this.buckets.values()) sum += count;
    return sum;
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / this.bucketMs);
    for (const key of this.buckets.keys()) if (key <= oldest) this.buckets.delete(key);
  }
}

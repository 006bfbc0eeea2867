/**
 * A bounded LRU of verified tokens -> claims. A client sends the same access token on every
 * request for minutes; verifying its signature once is enough (expiry is still checked on each use).
 */
export class TokenCache<V extends { exp: number }> {
  private readonly entries = new Map<string, V>();
  /** When each entry was last moved to the young end: once a second at most (the hot path stays cheap). */
  private readonly touched = new WeakMap<V, number>();
  private readonly max: number;

  constructor(max = 10_000) {
    this.max = max;
  }

  get(token: string, nowSeconds: number): V | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (hit.exp <= nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    // Re-insert to mark as most recently used, at a one-second granularity.
    if (this.touched.get(hit) !== nowSeconds) {
      this.touched.set(hit, nowSeconds);
      this.entries.delete(token);
      this.entries.set(token, hit);
    }
    return hit;
  }

  set(token: string, value: V): void {
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, value);
  }

  clear(): void {
    this.entries.clear();
  }
}

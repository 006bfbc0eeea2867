/**
 * Entries are found by a token's last characters: a JWT ends in its signature, effectively random,
 * so those identify it, and a lookup hashes a few characters rather than the whole token (hashing
 * a fresh ~700-character string on every request was a visible part of the gateway's CPU). A hit
 * counts only when the whole token is the same.
 */
const KEY_LENGTH = 32;

function keyOf(token: string): string {
  return token.length > KEY_LENGTH ? token.slice(-KEY_LENGTH) : token;
}

/**
 * A bounded LRU of verified tokens -> claims. A client sends the same access token on every
 * request for minutes; verifying its signature once is enough (expiry is still checked on each use).
 */
export class TokenCache<V extends { exp: number }> {
  private readonly entries = new Map<string, { token: string; value: V; touchedAt: number }>();
  private readonly max: number;

  constructor(max = 10_000) {
    this.max = max;
  }

  get(token: string, nowSeconds: number): V | undefined {
    const key = keyOf(token);
    const hit = this.entries.get(key);
    if (!hit || hit.token !== token) return undefined;
    if (hit.value.exp <= nowSeconds) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert to mark as most recently used, at a one-second granularity.
    if (hit.touchedAt !== nowSeconds) {
      hit.touchedAt = nowSeconds;
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit.value;
  }

  /** Another token with the same last characters (in practice: never) replaces the one held. */
  set(token: string, value: V): void {
    const key = keyOf(token);
    if (!this.entries.has(key) && this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { token, value, touchedAt: 0 });
  }

  clear(): void {
    this.entries.clear();
  }
}

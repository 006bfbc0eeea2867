import type { Redis } from '@phzzk/kit';
import type { HolderLookup } from '../domain/ports.ts';

/**
 * Which instance holds an entity (e.g. the transcoder that packages a live channel), from a Redis
 * record the holder keeps alive. Cached for a moment so a player's many part requests cost no
 * Redis round trip each; forget() drops a stale answer after a failed attempt (a takeover).
 */
export class HolderResolver implements HolderLookup {
  private readonly redis: Redis;
  private readonly ttlMs: number;
  private readonly cache = new Map<string, { holder: string | null; until: number }>();

  constructor(redis: Redis, ttlMs = 500) {
    this.redis = redis;
    this.ttlMs = ttlMs;
  }

  async holderOf(keyPrefix: string, id: string): Promise<string | null> {
    const key = `${keyPrefix}${id}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.holder;
    const holder = await this.redis.get(key);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { holder, until: now + this.ttlMs });
    return holder;
  }

  forget(keyPrefix: string, id: string): void {
    this.cache.delete(`${keyPrefix}${id}`);
  }
}

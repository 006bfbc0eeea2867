import type { Logger, Redis } from '@phzzk/kit';
import type { LiveViewers } from '../domain/ports.ts';

/**
 * The caching service's sorted set of live channels by viewers (LIVE_VIEWERS_KEY): ZRANGE for a
 * listing, ZSCORE for one channel. Redis being away reads as "no counts" (the listing falls back
 * to newest stream first) rather than failing the directory.
 */
export class RedisLiveViewers implements LiveViewers {
  private readonly redis: Redis;
  private readonly key: () => string;
  private readonly logger: Logger;

  constructor(options: { redis: Redis; key: () => string; logger: Logger }) {
    this.redis = options.redis;
    this.key = options.key;
    this.logger = options.logger;
  }

  async all(): Promise<ReadonlyMap<string, number>> {
    if (this.redis.status !== 'ready') return new Map();
    try {
      const flat = await this.redis.zrange(this.key(), 0, -1, 'WITHSCORES');
      const counts = new Map<string, number>();
      for (let i = 0; i < flat.length; i += 2) counts.set(flat[i]!, Math.max(0, Math.trunc(Number(flat[i + 1]))));
      return counts;
    } catch (error) {
      this.logger.warn({ err: error }, 'live viewers not readable; listing without counts');
      return new Map();
    }
  }

  async of(channelId: string): Promise<number> {
    if (this.redis.status !== 'ready') return 0;
    try {
      const score = await this.redis.zscore(this.key(), channelId);
      return score === null ? 0 : Math.max(0, Math.trunc(Number(score)));
    } catch {
      return 0;
    }
  }
}

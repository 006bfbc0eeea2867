import type { Redis } from '@phzzk/kit';

import type { RateLimitDecision, RateLimitCounter } from '../domain/ports.ts';

// Fixed window per key, atomic in Redis so the limit holds across gateway instances.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return {n, ttl}`;

type WithLimit = Redis & { phzzkRateLimit(key: string, windowMs: number): Promise<[number, number]> };

/** Fails open: when Redis does not answer, requests pass (and it is logged by the caller). */
export class RateLimiter implements RateLimitCounter {
  private readonly redis: WithLimit;

  constructor(redis: Redis) {
    redis.defineCommand('phzzkRateLimit', { numberOfKeys: 1, lua: SCRIPT });
    this.redis = redis as WithLimit;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const [count, ttl] = await this.redis.phzzkRateLimit(`phzzk:rl:${key}`, windowMs);
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetMs: ttl > 0 ? ttl : windowMs };
  }
}

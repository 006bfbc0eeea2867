import { type Redis, defineScript, type ScriptCall } from '@phzzk/kit';
import type { AttemptLimiter } from '../domain/ports.ts';

// Fixed windows per key. Refuses without counting when any key is at its limit; otherwise counts
// the attempt on every key, all in one step so concurrent attempts cannot overshoot.
const RESERVE = `
local window = tonumber(ARGV[1])
local wait = -1
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = window end
    if ttl > wait then wait = ttl end
  end
end
if wait >= 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, window) end
end
return -1`;

// Growing delays: a hash {n, next} per key. An attempt before `next` is refused with the wait;
// otherwise it is counted and the next one is pushed out by the delay its count has earned.
const BACKOFF = `
local key, now, free, base, max, window = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local state = redis.call('HMGET', key, 'n', 'next')
local n, nextAt = tonumber(state[1] or '0'), tonumber(state[2] or '0')
if now < nextAt then return nextAt - now end
n = n + 1
local delay = 0
if n >= free then delay = math.floor(math.min(max, base * 2 ^ (n - free))) end
redis.call('HSET', key, 'n', n, 'next', now + delay)
redis.call('PEXPIRE', key, window + delay)
return -1`;

const RELEASE = `
local resets = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if i <= resets then
    redis.call('DEL', key)
  elseif tonumber(redis.call('GET', key) or '0') > 0 then
    redis.call('DECR', key)
  end
end
return 1`;

export class RedisAttemptLimiter implements AttemptLimiter {
  private readonly prefix: string;
  private readonly reserveScript: ScriptCall;
  private readonly releaseScript: ScriptCall;
  private readonly backoffScript: ScriptCall;

  constructor(redis: Redis, prefix: string) {
    this.prefix = `${prefix}attempts:`;
    this.reserveScript = defineScript(redis, RESERVE);
    this.releaseScript = defineScript(redis, RELEASE);
    this.backoffScript = defineScript(redis, BACKOFF);
  }

  async backoff(
    key: string,
    policy: { freeFailures: number; baseMs: number; maxMs: number; windowMs: number },
    nowMs: number,
  ) {
    const waitMs = Number(
      await this.backoffScript(
        [this.prefix + key],
        [nowMs, policy.freeFailures, policy.baseMs, policy.maxMs, policy.windowMs],
      ),
    );
    return waitMs < 0
      ? ({ allowed: true } as const)
      : ({ allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) } as const);
  }

  async reserve(keys: { key: string; limit: number }[], windowSeconds: number) {
    const waitMs = Number(
      await this.reserveScript(
        keys.map((k) => this.prefix + k.key),
        [windowSeconds * 1000, ...keys.map((k) => k.limit)],
      ),
    );
    return waitMs < 0
      ? ({ allowed: true } as const)
      : ({ allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) } as const);
  }

  async release(resetKeys: string[], refundKeys: string[]): Promise<void> {
    await this.releaseScript(
      [...resetKeys, ...refundKeys].map((k) => this.prefix + k),
      [resetKeys.length],
    );
  }
}

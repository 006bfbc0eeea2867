import { type Redis, releaseIfHeld } from '@phzzk/kit';
import { type LockTiming, liveLockKey } from '../domain/lock-policy.ts';
import type { LiveLocks, RenewResult } from '../domain/ports.ts';

// Compare-and-renew: extend our own lock; re-take it if it expired meanwhile and nobody else has
// (a Redis blip shorter than our safety margin); never touch another session's lock.
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
elseif holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** The one-publisher-per-channel lock in Redis: `phzzk:ingest:live:<channelId>` = sessionId. */
export class RedisLiveLocks implements LiveLocks {
  private readonly redis: Redis;
  private readonly timing: LockTiming;
  private readonly commandTimeoutMs: number;
  private readonly releaseHeld: (key: string, holder: string) => Promise<boolean>;

  constructor(redis: Redis, timing: LockTiming, commandTimeoutMs = 1000) {
    this.redis = redis;
    this.timing = timing;
    this.commandTimeoutMs = commandTimeoutMs;
    this.releaseHeld = releaseIfHeld(redis);
  }

  async acquire(channelId: string, sessionId: string): Promise<boolean> {
    const result = await this.bounded(this.redis.set(liveLockKey(channelId), sessionId, 'PX', this.timing.ttlMs, 'NX'));
    return result === 'OK';
  }

  async renew(channelId: string, sessionId: string): Promise<RenewResult> {
    const result = await this.bounded(this.redis.eval(RENEW, 1, liveLockKey(channelId), sessionId, this.timing.ttlMs));
    return result === 1 ? 'renewed' : 'lost';
  }

  async release(channelId: string, sessionId: string): Promise<void> {
    await this.bounded(this.releaseHeld(liveLockKey(channelId), sessionId));
  }

  /** Who holds a channel now (ops and tests). */
  holder(channelId: string): Promise<string | null> {
    return this.redis.get(liveLockKey(channelId));
  }

  // ioredis queues commands while reconnecting; a decision must not wait on that for long.
  private bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`redis did not answer within ${this.commandTimeoutMs} ms`)),
        this.commandTimeoutMs,
      );
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

import { type Redis, defineScript, type ScriptCall } from '@phzzk/kit';
import type { TranscoderKeys } from './redis-keys.ts';

// Compare-and-renew: only the holder extends its lease.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

// Compare-and-delete: a successor's lease is never removed by a late predecessor.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export type ClaimResult = 'acquired' | 'already-mine' | 'held';

/**
 * One lease per channel: `holder:<channelId>` = the holder's instance id, PX leaseMs, renewed by
 * the holder. The gateway routes /hls/<channelId>/** to that instance id.
 */
export class RedisLeases {
  private readonly redis: Redis;
  private readonly keys: TranscoderKeys;
  private readonly instanceId: string;
  private readonly renewScript: ScriptCall;
  private readonly releaseScript: ScriptCall;

  constructor(redis: Redis, keys: TranscoderKeys, instanceId: string) {
    this.redis = redis;
    this.keys = keys;
    this.instanceId = instanceId;
    this.renewScript = defineScript(redis, RENEW);
    this.releaseScript = defineScript(redis, RELEASE);
  }

  async claim(channelId: string, leaseMs: number): Promise<ClaimResult> {
    const set = await this.redis.set(this.keys.holder(channelId), this.instanceId, 'PX', leaseMs, 'NX');
    if (set === 'OK') return 'acquired';
    // Still ours (a finished stream lingering, or a restart of the same instance id).
    return (await this.renew(channelId, leaseMs)) ? 'already-mine' : 'held';
  }

  /** false when the lease is no longer ours (expired and taken, or deleted). */
  async renew(channelId: string, leaseMs: number): Promise<boolean> {
    return (await this.renewScript([this.keys.holder(channelId)], [this.instanceId, leaseMs])) === 1;
  }

  async release(channelId: string): Promise<boolean> {
    return (await this.releaseScript([this.keys.holder(channelId)], [this.instanceId])) === 1;
  }
}

import { defineScript, type Redis, releaseIfHeld, type ScriptCall } from '@phzzk/kit';
import type { ClaimResult, Leases } from '../domain/ports.ts';
import type { TranscoderKeys } from './redis-keys.ts';

// Compare-and-renew: only the holder extends its lease.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * One lease per channel: `holder:<channelId>` = the holder's instance id, PX leaseMs, renewed by
 * the holder. The gateway routes /hls/<channelId>/** to that instance id.
 */
export class RedisLeases implements Leases {
  private readonly redis: Redis;
  private readonly keys: TranscoderKeys;
  private readonly instanceId: string;
  private readonly renewScript: ScriptCall;
  private readonly releaseHeld: (key: string, holder: string) => Promise<boolean>;

  constructor(redis: Redis, keys: TranscoderKeys, instanceId: string) {
    this.redis = redis;
    this.keys = keys;
    this.instanceId = instanceId;
    this.renewScript = defineScript(redis, RENEW);
    this.releaseHeld = releaseIfHeld(redis);
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
    return this.releaseHeld(this.keys.holder(channelId), this.instanceId);
  }
}

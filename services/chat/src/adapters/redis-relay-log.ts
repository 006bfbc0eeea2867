import { defineScript, type Redis, type ScriptCall } from '@phzzk/kit';
import type { RelayEntry, RelayLog } from '../domain/ports.ts';
import type { ChatKeys } from './chat-keys.ts';
import type { RedisChatLog } from './redis-chat-log.ts';

const LEASE = `
local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1`;
// The cursor only moves forward, only for the lease holder; a channel leaves the unrelayed set only
// when its cursor reached its counter (checked atomically with appends, which re-add it).
const ADVANCE = `
if redis.call('GET', KEYS[4]) ~= ARGV[3] then return 0 end
local cursor = tonumber(redis.call('GET', KEYS[1]) or '0')
local seq = tonumber(ARGV[1])
if seq > cursor then redis.call('SET', KEYS[1], seq) cursor = seq end
if cursor >= tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('ZREM', KEYS[3], ARGV[2]) end
return 1
`;

export class RedisRelayLog implements RelayLog {
  private readonly redis: Redis;
  private readonly keys: ChatKeys;
  private readonly log: RedisChatLog;
  private readonly leaseScript: ScriptCall;
  private readonly releaseScript: ScriptCall;
  private readonly advanceScript: ScriptCall;

  constructor(redis: Redis, keys: ChatKeys, log: RedisChatLog) {
    this.redis = redis;
    this.keys = keys;
    this.log = log;
    this.leaseScript = defineScript(redis, LEASE);
    this.releaseScript = defineScript(redis, RELEASE);
    this.advanceScript = defineScript(redis, ADVANCE);
  }

  unrelayed(limit: number): Promise<string[]> {
    return this.redis.zrange(this.keys.unrelayed(), 0, limit - 1);
  }

  async lease(channelId: string, owner: string, ttlMs: number): Promise<boolean> {
    return Number(await this.leaseScript([this.keys.relayLease(channelId)], [owner, ttlMs])) === 1;
  }

  async releaseLease(channelId: string, owner: string): Promise<void> {
    await this.releaseScript([this.keys.relayLease(channelId)], [owner]);
  }

  async cursor(channelId: string): Promise<number> {
    return Number((await this.redis.get(this.keys.relayCursor(channelId))) ?? 0);
  }

  entries(channelId: string, afterSeq: number, count: number): Promise<RelayEntry[]> {
    return this.log.relayEntries(channelId, afterSeq, count);
  }

  async advance(channelId: string, seq: number, owner: string): Promise<void> {
    const k = this.keys;
    await this.advanceScript(
      [k.relayCursor(channelId), k.seq(channelId), k.unrelayed(), k.relayLease(channelId)],
      [seq, channelId, owner],
    );
  }
}

import type { Logger } from '@phzzk/kit';
import { defineScript, type ScriptCall } from '@phzzk/kit';
import type { Redis } from 'ioredis';
import type { Admission, ConnectionAdmission, ConnectionLimits } from '../domain/connection-limits.ts';
import type { ChatKeys } from './chat-keys.ts';

// The connection limits across every chat node: per address and per user, a Redis hash with a
// field per node holding that node's count. Admitting sums the fields of nodes still alive (their
// heartbeat key exists) and drops the fields of dead ones, so a node killed with its connections
// stops counting once its heartbeat expires. This node's own counts are kept as well: when Redis
// is away, the limits hold per node (and the shared counts may end up a little high or low until
// those connections close).

const ADMIT = `
local function live(key)
  local fields = redis.call('HGETALL', key)
  local sum = 0
  for i = 1, #fields, 2 do
    if fields[i] == ARGV[1] or redis.call('EXISTS', ARGV[5] .. fields[i]) == 1 then
      sum = sum + tonumber(fields[i + 1])
    else
      redis.call('HDEL', key, fields[i])
    end
  end
  return sum
end
if live(KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
if ARGV[4] == '1' and live(KEYS[2]) >= tonumber(ARGV[3]) then return 2 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], 86400)
if ARGV[4] == '1' then
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  redis.call('EXPIRE', KEYS[2], 86400)
end
return 0`;

const RELEASE = `
for i = 1, #KEYS do
  if redis.call('HINCRBY', KEYS[i], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[i], ARGV[1]) end
end
return 0`;

export class RedisConnectionLimits implements ConnectionAdmission {
  private readonly admitScript: ScriptCall;
  private readonly releaseScript: ScriptCall;
  private readonly heartbeat: NodeJS.Timeout;

  private readonly redis: Redis;
  private readonly keys: ChatKeys;
  private readonly local: ConnectionLimits;
  private readonly nodeId: string;
  private readonly logger: Logger;

  constructor(redis: Redis, keys: ChatKeys, local: ConnectionLimits, nodeId: string, aliveMs: number, logger: Logger) {
    this.redis = redis;
    this.keys = keys;
    this.local = local;
    this.nodeId = nodeId;
    this.logger = logger;
    this.admitScript = defineScript(redis, ADMIT);
    this.releaseScript = defineScript(redis, RELEASE);
    const beat = () =>
      void redis
        .set(`${keys.nodeAlivePrefix()}${nodeId}`, '1', 'PX', aliveMs)
        .catch((error) => logger.debug({ err: error }, 'chat node heartbeat failed'));
    beat();
    this.heartbeat = setInterval(beat, Math.max(250, Math.floor(aliveMs / 3)));
    this.heartbeat.unref();
  }

  async admit(ip: string, userId: string | undefined): Promise<Admission> {
    const here = this.local.admit(ip, userId);
    if (!here.ok) return here;
    const { perIp, perUser } = this.local.limitValues();
    let verdict: unknown;
    try {
      verdict = await this.admitScript(
        [this.keys.connectionsOfIp(ip), this.keys.connectionsOfUser(userId ?? '-')],
        [this.nodeId, perIp, perUser, userId === undefined ? '0' : '1', this.keys.nodeAlivePrefix()],
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'shared connection counts unavailable: limits hold per node');
      return here;
    }
    if (verdict === 0) return here;
    this.local.release(ip, userId);
    return {
      ok: false,
      detail: verdict === 1 ? `at most ${perIp} connections per address` : `at most ${perUser} connections per user`,
    };
  }

  release(ip: string, userId: string | undefined): void {
    this.local.release(ip, userId);
    const keys = [
      this.keys.connectionsOfIp(ip),
      ...(userId === undefined ? [] : [this.keys.connectionsOfUser(userId)]),
    ];
    this.releaseScript(keys, [this.nodeId]).catch((error) =>
      this.logger.debug({ err: error }, 'releasing a shared connection count failed'),
    );
  }

  /** This node leaves: its counts stop counting now rather than when the heartbeat expires. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.redis.del(`${this.keys.nodeAlivePrefix()}${this.nodeId}`).catch(() => 0);
  }
}

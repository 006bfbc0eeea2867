import { type Redis, defineScript, type ScriptCall } from '@phzzk/kit';
import type { RotationOutcome } from '../domain/refresh-rotation.ts';
import type { NewFamily, SessionStore } from '../domain/ports.ts';

/** The revocation contract with the gateway: a key per revoked session id, and a channel. */
export const REVOKED_SID_PREFIX = 'phzzk:auth:revoked-sid:';
export const REVOKED_SID_CHANNEL = 'phzzk:auth:revoked-sid';

// Layout (P = configured prefix, default "phzzk:auth:"):
//   P rt:<sha256(token)>  hash {sid, uid, exp}  one per refresh token ever issued in the family, kept
//                         until the family ends so that a rotated token coming back is recognized
//   P family:<sid>        hash {uid, current, ends}  `current` is the only token hash that refreshes
//   P user:<uid>          set of sids, for logout-all
//   P grace:<sha256(old)> hash {next, sealed}  for the grace period after a rotation (seconds): the
//                         hash of the token it rotated to, and the answer sealed with a key derived
//                         from the old token (which Redis never holds)
// Scripts compute the family and user keys from what they read, so this needs a standalone Redis
// (or Sentinel), not Redis Cluster.
const REVOKE = `
local function revoke(P, sid, uid, accessTtl)
  redis.call('DEL', P .. 'family:' .. sid)
  if uid then redis.call('SREM', P .. 'user:' .. uid, sid) end
  redis.call('SET', '${REVOKED_SID_PREFIX}' .. sid, '1', 'EX', accessTtl)
  redis.call('PUBLISH', '${REVOKED_SID_CHANNEL}', sid)
end
`;

const CREATE = `
local P, sid, uid, hash, exp, ends = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
redis.call('HSET', P .. 'family:' .. sid, 'uid', uid, 'current', hash, 'ends', ends)
redis.call('PEXPIREAT', P .. 'family:' .. sid, ends)
redis.call('HSET', P .. 'rt:' .. hash, 'sid', sid, 'uid', uid, 'exp', exp)
redis.call('PEXPIREAT', P .. 'rt:' .. hash, ends)
local ukey = P .. 'user:' .. uid
redis.call('SADD', ukey, sid)
if redis.call('PEXPIRETIME', ukey) < ends then redis.call('PEXPIREAT', ukey, ends) end
return 1`;

const ROTATE = `${REVOKE}
local P, old, new, now, ttl, accessTtl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local graceMs, sealed = tonumber(ARGV[7]), ARGV[8]
local rt = P .. 'rt:' .. old
local rec = redis.call('HMGET', rt, 'sid', 'uid', 'exp')
local sid, uid = rec[1], rec[2]
if not sid then return {'unknown'} end
local fkey = P .. 'family:' .. sid
local fam = redis.call('HMGET', fkey, 'current', 'ends')
if not fam[1] then return {'revoked'} end
if fam[1] ~= old then
  -- Rotated moments ago, and the family has not moved on since: a parallel refresh of the same
  -- token (two tabs, a retry after a lost answer) gets the same answer instead of ending the session.
  local grace = redis.call('HMGET', P .. 'grace:' .. old, 'next', 'sealed')
  if grace[1] and grace[1] == fam[1] then return {'grace', sid, uid, grace[2]} end
  revoke(P, sid, uid, accessTtl)
  return {'reused', sid, uid}
end
local ends = tonumber(fam[2])
if tonumber(rec[3]) <= now or ends <= now then
  redis.call('DEL', fkey)
  redis.call('SREM', P .. 'user:' .. uid, sid)
  return {'expired', sid, uid}
end
local exp = math.min(now + ttl, ends)
local nrt = P .. 'rt:' .. new
redis.call('HSET', nrt, 'sid', sid, 'uid', uid, 'exp', exp)
redis.call('PEXPIREAT', nrt, ends)
redis.call('HSET', fkey, 'current', new)
if graceMs > 0 then
  local gkey = P .. 'grace:' .. old
  redis.call('HSET', gkey, 'next', new, 'sealed', sealed)
  redis.call('PEXPIRE', gkey, graceMs)
end
return {'rotated', sid, uid, tostring(exp)}`;

const REVOKE_BY_TOKEN = `${REVOKE}
local P, hash, accessTtl = ARGV[1], ARGV[2], ARGV[3]
local rec = redis.call('HMGET', P .. 'rt:' .. hash, 'sid', 'uid')
if not rec[1] then return 0 end
if redis.call('EXISTS', P .. 'family:' .. rec[1]) == 0 then return 0 end
revoke(P, rec[1], rec[2], accessTtl)
return 1`;

const REVOKE_FAMILY = `${REVOKE}
local P, sid, accessTtl = ARGV[1], ARGV[2], ARGV[3]
local uid = redis.call('HGET', P .. 'family:' .. sid, 'uid')
if not uid then return 0 end
revoke(P, sid, uid, accessTtl)
return 1`;

const REVOKE_USER = `${REVOKE}
local P, uid, except, accessTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ukey = P .. 'user:' .. uid
local n = 0
for _, sid in ipairs(redis.call('SMEMBERS', ukey)) do
  if sid ~= except then
    if redis.call('EXISTS', P .. 'family:' .. sid) == 1 then
      revoke(P, sid, uid, accessTtl)
      n = n + 1
    else
      redis.call('SREM', ukey, sid)
    end
  end
end
return n`;

/**
 * Refresh-token families in Redis. Rotation is one Lua script: the check that the presented
 * token is the family's current one and the switch to the next happen atomically, so two
 * concurrent refreshes with one token cannot both rotate. Within the grace period the second
 * gets the first one's sealed answer (the same pair); after it, a rotated token coming back is
 * reuse and revokes the family.
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly accessTtlSeconds: () => number;
  private readonly scripts: Record<'create' | 'rotate' | 'byToken' | 'family' | 'user', ScriptCall>;

  constructor(redis: Redis, options: { prefix: string; accessTtlSeconds: () => number }) {
    this.redis = redis;
    this.prefix = options.prefix;
    this.accessTtlSeconds = options.accessTtlSeconds;
    this.scripts = {
      create: defineScript(redis, CREATE),
      rotate: defineScript(redis, ROTATE),
      byToken: defineScript(redis, REVOKE_BY_TOKEN),
      family: defineScript(redis, REVOKE_FAMILY),
      user: defineScript(redis, REVOKE_USER),
    };
  }

  async create(f: NewFamily): Promise<void> {
    await this.scripts.create([], [this.prefix, f.sessionId, f.userId, f.tokenHash, f.tokenExpiresAt, f.familyEndsAt]);
  }

  async peek(tokenHash: string) {
    const [sid, uid] = await this.redis.hmget(`${this.prefix}rt:${tokenHash}`, 'sid', 'uid');
    return sid && uid ? { sessionId: sid, userId: uid } : undefined;
  }

  async rotate(
    oldHash: string,
    newHash: string,
    nowMs: number,
    refreshTtlSeconds: number,
    grace?: { ms: number; sealed: string },
  ): Promise<RotationOutcome> {
    const result = (await this.scripts.rotate(
      [],
      [
        this.prefix,
        oldHash,
        newHash,
        nowMs,
        refreshTtlSeconds * 1000,
        this.accessTtlSeconds(),
        Math.max(0, Math.floor(grace?.ms ?? 0)),
        grace?.sealed ?? '',
      ],
    )) as string[];
    const [status, sessionId = '', userId = '', extra = '0'] = result;
    switch (status) {
      case 'rotated':
        return { status, sessionId, userId, expiresAt: Number(extra) };
      case 'grace':
        return { status, sessionId, userId, sealed: extra };
      case 'reused':
      case 'expired':
        return { status, sessionId, userId };
      case 'revoked':
        return { status };
      default:
        return { status: 'unknown' };
    }
  }

  async revokeByToken(tokenHash: string): Promise<boolean> {
    return (await this.scripts.byToken([], [this.prefix, tokenHash, this.accessTtlSeconds()])) === 1;
  }

  async revokeFamily(sessionId: string): Promise<void> {
    await this.scripts.family([], [this.prefix, sessionId, this.accessTtlSeconds()]);
  }

  async revokeUser(userId: string, exceptSessionId?: string): Promise<number> {
    return Number(await this.scripts.user([], [this.prefix, userId, exceptSessionId ?? '', this.accessTtlSeconds()]));
  }
}

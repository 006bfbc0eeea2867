// The Lua scripts of the caching service: each keeps one channel's structure consistent in one step.

/** Trims history to ARGV cap and raises the floor to the oldest message kept. Needs `cap`, KEYS[1..2]. */
const TRIM = `
local n = redis.call('ZCARD', KEYS[1])
if n > cap then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - cap - 1)
  local low = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local f = tonumber(redis.call('GET', KEYS[2]) or '0')
  if tonumber(low[2]) > f then redis.call('SET', KEYS[2], low[2]) end
end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
`;

/**
 * Reads `cap` and `ttl` (ARGV 1, 2) and adds the seq/json pairs of ARGV from index `first` on to
 * history (KEYS[1]); leaves `minSeq`, the lowest seq added (nil when none).
 */
const addPairs = (first: number) => `
local cap = tonumber(ARGV[1]); local ttl = tonumber(ARGV[2])
local minSeq = nil
for i = ${first}, #ARGV, 2 do
  local s = tonumber(ARGV[i])
  redis.call('ZADD', KEYS[1], s, ARGV[i + 1])
  if minSeq == nil or s < minSeq then minSeq = s end
end
`;

/** KEYS: history, floor. ARGV: cap, ttl, then seq/json pairs (messages PostgreSQL has committed). */
export const APPEND_HISTORY = `
${addPairs(3)}
if minSeq ~= nil and redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], minSeq) end
${TRIM}
return 1`;

/**
 * KEYS: history, floor, generation. ARGV: cap, ttl, generation read before PostgreSQL was, complete
 * (1: the rows are the channel's whole history), then seq/json pairs. Skipped (0) when a deletion
 * or clear happened since the rows were read.
 */
export const REFILL_HISTORY = `
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[3] then return 0 end
${addPairs(5)}
local floor = minSeq
if ARGV[4] == '1' or floor == nil then floor = 1 end
local f = redis.call('GET', KEYS[2])
if f and tonumber(f) < floor then floor = tonumber(f) end
redis.call('SET', KEYS[2], floor)
${TRIM}
return 1`;

/** KEYS: history, floor. ARGV: max ('(seq' or '+inf'), limit. Returns false when not cached. */
export const SLICE_HISTORY = `
local f = redis.call('GET', KEYS[2])
if not f then return false end
return {f, redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], f, 'LIMIT', 0, tonumber(ARGV[2]))}`;

/** KEYS: live, live channels, live viewers, offline mark. ARGV: channelId, sessionId, startedAt. */
export const STREAM_STARTED = `
if redis.call('HGET', KEYS[1], 'sessionId') ~= ARGV[2] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'sessionId', ARGV[2], 'startedAt', ARGV[3], 'peak', 0)
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], 'NX', 0, ARGV[1])
redis.call('DEL', KEYS[4])
return 1`;

/**
 * KEYS: live, live channels, live viewers, offline mark, then the channel's structures to expire.
 * ARGV: channelId, sessionId, ttl of the ended channel's structures.
 */
export const STREAM_ENDED = `
local cur = redis.call('HGET', KEYS[1], 'sessionId')
if cur == ARGV[2] or not cur then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('SET', KEYS[4], 'offline', 'EX', 10)
  for i = 5, #KEYS do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[3])) end
end
return 1`;

/**
 * KEYS: presence hash. ARGV: op ('join' | 'leave'), node, userId, nickname, role, expiresAt (ms),
 * ttl (s). A node is {m = {userId = {n, r}}, a = anonymous, e = expiresAt}.
 */
export const PRESENCE_CHANGE = `
local raw = redis.call('HGET', KEYS[1], ARGV[2])
local node
if raw then node = cjson.decode(raw) else node = {m = {}, a = 0, e = 0} end
if type(node.m) ~= 'table' then node.m = {} end
if ARGV[1] == 'join' then
  node.m[ARGV[3]] = {n = ARGV[4], r = ARGV[5]}
  if tonumber(ARGV[6]) > node.e then node.e = tonumber(ARGV[6]) end
else
  node.m[ARGV[3]] = nil
end
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(node))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[7]))
return 1`;

/**
 * The ticker's step for one live channel. KEYS: live, viewers, chatters, messages, live viewers.
 * ARGV: channelId, now, viewer ttl, chatter window, message retention, minute start.
 * Returns false when the channel is no longer live (and takes it out of the directory).
 */
export const TICK_CHANNEL = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[5], ARGV[1])
  return false
end
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - tonumber(ARGV[3])))
local viewers = redis.call('ZCARD', KEYS[2])
redis.call('ZADD', KEYS[5], viewers, ARGV[1])
local peak = tonumber(redis.call('HGET', KEYS[1], 'peak') or '0')
if viewers > peak then
  peak = viewers
  redis.call('HSET', KEYS[1], 'peak', peak)
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - tonumber(ARGV[4])))
local chatters = redis.call('ZCARD', KEYS[3])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. (now - tonumber(ARGV[5])))
local minute = redis.call('ZCOUNT', KEYS[4], ARGV[6], '+inf')
return {viewers, peak, chatters, minute, redis.call('HGET', KEYS[1], 'sessionId')}`;

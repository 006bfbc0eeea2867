import { defineScript, type Redis, type ScriptCall } from '@phzzk/kit';
import { v7 as uuidv7 } from 'uuid';
import type { AppendRequest, AppendResult, ChatLog, FeedLog, LoggedMessage, RelayEntry } from '../domain/ports.ts';
import { type ChannelEventKind, frameOf, type LoggedEvent } from '../domain/sequencing.ts';
import type { ChatKeys } from './chat-keys.ts';

// One Lua script checks the sender's slow mode and rate limit, numbers the event (INCR), appends
// it to the channel's stream under id `<seq>-0`, trims what is both old enough and relayed to
// Kafka, marks the channel for the relay and publishes the event to the nodes: all atomically, so
// that an acknowledged message is in the log, numbered, before anyone hears of it.
const APPEND = `
local seqKey, logKey, cursorKey, rateKey, slowKey, unrelayedKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local now = tonumber(ARGV[1])
local floor = tonumber(ARGV[2])
local rateLimit, windowMs, slowMs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local keep, keepMs, maxEvents = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
if slowMs > 0 then
  local ttl = redis.call('PTTL', slowKey)
  if ttl > 0 then return {'SLOW_MODE', ttl} end
end
if rateLimit > 0 then
  redis.call('ZREMRANGEBYSCORE', rateKey, '-inf', now - windowMs)
  if redis.call('ZCARD', rateKey) >= rateLimit then
    local oldest = redis.call('ZRANGE', rateKey, 0, 0, 'WITHSCORES')
    return {'RATE_LIMITED', math.max(1, tonumber(oldest[2]) + windowMs - now)}
  end
end
if redis.call('EXISTS', seqKey) == 0 then
  local known = 0
  local last = redis.call('XREVRANGE', logKey, '+', '-', 'COUNT', 1)
  if #last > 0 then known = tonumber(string.match(last[1][1], '^(%d+)')) end
  if floor < 0 then return {'NOSEQ', 0} end
  redis.call('SET', seqKey, math.max(known, floor))
end
local seq = redis.call('INCR', seqKey)
redis.call('XADD', logKey, seq .. '-0', 'n', ARGV[12], 'f', ARGV[13], 'k', ARGV[14], 't', now, 'u', ARGV[15], 'm', ARGV[16])
if rateLimit > 0 then
  redis.call('ZADD', rateKey, now, ARGV[11])
  redis.call('PEXPIRE', rateKey, windowMs)
end
if slowMs > 0 then redis.call('SET', slowKey, '1', 'PX', slowMs) end
local len = redis.call('XLEN', logKey)
if len > keep then
  local cursor = tonumber(redis.call('GET', cursorKey) or '0')
  local old = redis.call('XRANGE', logKey, '-', '+', 'COUNT', math.min(len - keep, 32))
  local cut = nil
  for i = 1, #old do
    local s = tonumber(string.match(old[i][1], '^(%d+)'))
    local t = tonumber(old[i][2][8])
    if (len - (i - 1) > maxEvents) or (t < now - keepMs and s <= cursor) then cut = s else break end
  end
  if cut then redis.call('XTRIM', logKey, 'MINID', (cut + 1) .. '-0') end
end
redis.call('ZADD', unrelayedKey, now, ARGV[9])
redis.call('PUBLISH', ARGV[10], seq .. ' ' .. ARGV[12] .. ' ' .. ARGV[13])
return {'OK', seq}
`;

export interface LogRetention {
  /** Events always kept (at least). */
  keepEvents: number;
  /** Events younger than this are kept too. */
  keepMs: number;
  /** Hard bound per channel, relayed or not. */
  maxEvents: number;
}

type StreamEntry = [id: string, fields: string[]];

function field(fields: string[], name: string): string {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] ?? '';
  return '';
}

const seqOfId = (id: string) => Number.parseInt(id, 10);

function toEvent([id, fields]: StreamEntry): LoggedEvent {
  const kind = field(fields, 'n') as ChannelEventKind;
  const seq = seqOfId(id);
  return { seq, kind, frame: frameOf(kind, seq, field(fields, 'f')) };
}

export class RedisChatLog implements ChatLog, FeedLog {
  private readonly redis: Redis;
  private readonly keys: ChatKeys;
  private readonly retention: () => LogRetention;
  private readonly seqFloor: (channelId: string) => Promise<number>;
  private readonly script: ScriptCall;

  constructor(options: {
    redis: Redis;
    keys: ChatKeys;
    retention: () => LogRetention;
    /** Where a log whose counter Redis lost continues from (the highest seq relayed, from PostgreSQL). */
    seqFloor: (channelId: string) => Promise<number>;
  }) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.retention = options.retention;
    this.seqFloor = options.seqFloor;
    this.script = defineScript(options.redis, APPEND);
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const first = await this.run(request, -1);
    if (first[0] !== 'NOSEQ') return this.result(first);
    // Redis lost the counter (a restart without persistence): continue above anything relayed or seen.
    const floor = Math.max(await this.seqFloor(request.channelId), request.knownSeq ?? 0);
    return this.result(await this.run(request, floor));
  }

  private result([status, value]: [string, number]): AppendResult {
    if (status === 'OK') return { ok: true, seq: value };
    if (status === 'RATE_LIMITED' || status === 'SLOW_MODE') return { ok: false, code: status, retryAfterMs: value };
    throw new Error(`chat log append: unexpected answer ${status}`);
  }

  private async run(request: AppendRequest, floor: number): Promise<[string, number]> {
    const { channelId, limits } = request;
    const keys = this.keys;
    const r = this.retention();
    const userId = limits?.userId ?? '-';
    const answer = (await this.script(
      [
        keys.seq(channelId),
        keys.log(channelId),
        keys.relayCursor(channelId),
        keys.rate(channelId, userId),
        keys.slow(channelId, userId),
        keys.unrelayed(),
      ],
      [
        Date.now(),
        floor,
        limits?.rateLimit ?? 0,
        limits?.windowMs ?? 0,
        limits?.slowModeMs ?? 0,
        r.keepEvents,
        r.keepMs,
        r.maxEvents,
        channelId,
        keys.feed(channelId),
        uuidv7(),
        request.kind,
        JSON.stringify(request.frame),
        JSON.stringify(request.kafka),
        request.authorId ?? '',
        request.messageId ?? '',
      ],
    )) as [string, number];
    return [answer[0], Number(answer[1])];
  }

  async range(channelId: string, from: number, to?: number, count = 10_000): Promise<LoggedEvent[]> {
    const entries = (await this.redis.xrange(
      this.keys.log(channelId),
      `${from}-0`,
      to === undefined ? '+' : `${to}-0`,
      'COUNT',
      count,
    )) as StreamEntry[];
    return entries.map(toEvent);
  }

  async latest(channelId: string, count: number): Promise<LoggedEvent[]> {
    const entries = (await this.redis.xrevrange(this.keys.log(channelId), '+', '-', 'COUNT', count)) as StreamEntry[];
    return entries.map(toEvent).reverse();
  }

  async lastSeq(channelId: string): Promise<number> {
    return Number((await this.redis.get(this.keys.seq(channelId))) ?? 0);
  }

  async lastSeqs(channelIds: string[]): Promise<number[]> {
    if (channelIds.length === 0) return [];
    const values = await this.redis.mget(channelIds.map((id) => this.keys.seq(id)));
    return values.map((v) => Number(v ?? 0));
  }

  /** The oldest seq still in the log, or undefined when it is empty. */
  async oldestSeq(channelId: string): Promise<number | undefined> {
    const entries = (await this.redis.xrange(this.keys.log(channelId), '-', '+', 'COUNT', 1)) as StreamEntry[];
    return entries[0] ? seqOfId(entries[0][0]) : undefined;
  }

  async findMessage(channelId: string, messageId: string): Promise<LoggedMessage | undefined> {
    // Newest first, in pages: moderation acts on recent messages; the log is bounded.
    let end = '+';
    let deleted = false;
    for (;;) {
      const page = (await this.redis.xrevrange(this.keys.log(channelId), end, '-', 'COUNT', 500)) as StreamEntry[];
      for (const [id, fields] of page) {
        if (field(fields, 'm') !== messageId) continue;
        const kind = field(fields, 'n');
        if (kind === 'deleted') deleted = true;
        else if (kind === 'message') return { seq: seqOfId(id), authorId: field(fields, 'u'), deleted };
      }
      if (page.length < 500) return undefined;
      end = `(${page[page.length - 1]![0]}`;
    }
  }

  /** Entries after `afterSeq` for the Kafka relay. */
  async relayEntries(channelId: string, afterSeq: number, count: number): Promise<RelayEntry[]> {
    const entries = (await this.redis.xrange(
      this.keys.log(channelId),
      `${afterSeq + 1}-0`,
      '+',
      'COUNT',
      count,
    )) as StreamEntry[];
    return entries.map(([id, fields]) => ({
      seq: seqOfId(id),
      kafka: JSON.parse(field(fields, 'k')) as RelayEntry['kafka'],
    }));
  }
}

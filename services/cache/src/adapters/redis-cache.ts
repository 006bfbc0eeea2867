import type { ChatMessageView, ChatPresenceSnapshot } from '@phzzk/contracts';
import { defineScript, type Redis, type ScriptCall } from '@phzzk/kit';
import type {
  HistoryCache,
  HistorySlice,
  LiveCache,
  LiveState,
  PresenceNode,
  StatsCache,
  TickResult,
} from '../domain/ports.ts';
import { CHATTER_WINDOW_MS, MESSAGE_RATE_WINDOW_MS } from '../domain/stats.ts';
import {
  APPEND_HISTORY,
  PRESENCE_CHANGE,
  REFILL_HISTORY,
  SLICE_HISTORY,
  STREAM_ENDED,
  STREAM_STARTED,
  TICK_CHANNEL,
} from './lua.ts';
import type { CacheKeys } from './redis-keys.ts';

/** Messages older than this leave the per-channel message-rate set (a minute's sample needs one minute back). */
const MESSAGE_RETENTION_MS = 2 * 60_000;
/** Structures of a channel nobody writes to any more (history, presence, counters) go after this. */
const IDLE_TTL_SECONDS = 24 * 3600;

type StoredNode = {
  m: Record<string, { n: string; r: 'owner' | 'moderator' | 'viewer' }> | unknown[];
  a: number;
  e: number;
};

interface RedisCacheSettings {
  /** A viewer stops counting this long after its last heartbeat. */
  viewerTtlMs: () => number;
  historyCap: () => number;
  endedTtlSeconds: () => number;
}

/** Everything the caching service keeps in Redis, behind the domain's ports. */
export class RedisCache implements HistoryCache, StatsCache, LiveCache {
  private readonly scripts: Record<
    'append' | 'refill' | 'slice' | 'started' | 'ended' | 'presence' | 'tick',
    ScriptCall
  >;

  private readonly redis: Redis;
  private readonly keys: CacheKeys;
  private readonly settings: RedisCacheSettings;
  constructor(redis: Redis, keys: CacheKeys, settings: RedisCacheSettings) {
    this.redis = redis;
    this.keys = keys;
    this.settings = settings;
    this.scripts = {
      append: defineScript(redis, APPEND_HISTORY),
      refill: defineScript(redis, REFILL_HISTORY),
      slice: defineScript(redis, SLICE_HISTORY),
      started: defineScript(redis, STREAM_STARTED),
      ended: defineScript(redis, STREAM_ENDED),
      presence: defineScript(redis, PRESENCE_CHANGE),
      tick: defineScript(redis, TICK_CHANNEL),
    };
  }

  // ---- history ----

  async slice(channelId: string, before: number | undefined, limit: number): Promise<HistorySlice | undefined> {
    const k = this.keys;
    const result = (await this.scripts.slice(
      [k.history(channelId), k.historyFloor(channelId)],
      [before === undefined ? '+inf' : `(${before}`, limit],
    )) as [string, string[]] | null;
    if (!result) return undefined;
    const [floor, members] = result;
    return { floor: Number(floor), items: members.reverse().map((m) => JSON.parse(m) as ChatMessageView) };
  }

  async generation(channelId: string): Promise<string> {
    return (await this.redis.get(this.keys.historyGeneration(channelId))) ?? '0';
  }

  async refill(channelId: string, newest: ChatMessageView[], complete: boolean, generation: string): Promise<boolean> {
    const k = this.keys;
    const applied = await this.scripts.refill(
      [k.history(channelId), k.historyFloor(channelId), k.historyGeneration(channelId)],
      [this.settings.historyCap(), IDLE_TTL_SECONDS, generation, complete ? 1 : 0, ...pairs(newest)],
    );
    return applied === 1;
  }

  /** Appends messages PostgreSQL has committed (idempotent: the same message is the same member). */
  async append(channelId: string, messages: ChatMessageView[]): Promise<void> {
    const k = this.keys;
    await this.scripts.append(
      [k.history(channelId), k.historyFloor(channelId)],
      [this.settings.historyCap(), IDLE_TTL_SECONDS, ...pairs(messages)],
    );
  }

  /** Takes deleted messages (by seq) and cleared ranges (seq below) out of the history. */
  async remove(channelId: string, seqs: number[], clearedBefore: number | undefined): Promise<void> {
    const k = this.keys;
    const multi = this.redis.multi();
    for (const seq of seqs) multi.zremrangebyscore(k.history(channelId), seq, seq);
    if (clearedBefore !== undefined) multi.zremrangebyscore(k.history(channelId), '-inf', `(${clearedBefore}`);
    multi.incr(k.historyGeneration(channelId));
    multi.expire(k.historyGeneration(channelId), IDLE_TTL_SECONDS);
    await multi.exec();
  }

  /** Chatters and the message rate, from messages (idempotent: members are user and message ids). */
  async recordActivity(
    channelId: string,
    messages: { messageId: string; userId: string; sentAtMs: number }[],
  ): Promise<void> {
    if (messages.length === 0) return;
    const k = this.keys;
    const chatters: (string | number)[] = [];
    const ids: (string | number)[] = [];
    for (const m of messages) {
      chatters.push(m.sentAtMs, m.userId);
      ids.push(m.sentAtMs, m.messageId);
    }
    await this.redis
      .multi()
      .zadd(k.chatters(channelId), 'GT', ...chatters)
      .zadd(k.messages(channelId), ...ids)
      .expire(k.chatters(channelId), IDLE_TTL_SECONDS)
      .expire(k.messages(channelId), IDLE_TTL_SECONDS)
      .exec();
  }

  // ---- live state ----

  async streamStarted(channelId: string, sessionId: string, startedAt: string): Promise<void> {
    const k = this.keys;
    await this.scripts.started(
      [k.live(channelId), k.liveChannels(), k.liveViewers, k.offline(channelId)],
      [channelId, sessionId, startedAt],
    );
  }

  async peakOf(channelId: string, sessionId: string): Promise<number> {
    const [current, peak] = await this.redis.hmget(this.keys.live(channelId), 'sessionId', 'peak');
    return current === sessionId ? Number(peak ?? 0) : 0;
  }

  async streamEnded(channelId: string, sessionId: string): Promise<void> {
    const k = this.keys;
    await this.scripts.ended(
      [
        k.live(channelId),
        k.liveChannels(),
        k.liveViewers,
        k.offline(channelId),
        k.viewers(channelId),
        k.presence(channelId),
      ],
      [channelId, sessionId, this.settings.endedTtlSeconds()],
    );
  }

  async live(channelId: string): Promise<LiveState | undefined> {
    const [sessionId, startedAt, peak] = await this.redis.hmget(
      this.keys.live(channelId),
      'sessionId',
      'startedAt',
      'peak',
    );
    if (!sessionId || !startedAt) return undefined;
    return { sessionId, startedAt, peakViewers: Number(peak ?? 0) };
  }

  async offlineMark(channelId: string): Promise<'offline' | 'unknown' | undefined> {
    const mark = await this.redis.get(this.keys.offline(channelId));
    return mark === 'offline' || mark === 'unknown' ? mark : undefined;
  }

  async markOffline(channelId: string, state: 'offline' | 'unknown'): Promise<void> {
    await this.redis.set(this.keys.offline(channelId), state, 'EX', 5);
  }

  async liveChannels(): Promise<string[]> {
    return this.redis.smembers(this.keys.liveChannels());
  }

  /** True once per loss of Redis data: the caller then rebuilds the live set from PostgreSQL. */
  async needsLiveRebuild(): Promise<boolean> {
    return (await this.redis.exists(this.keys.liveRebuilt())) === 0;
  }

  async rebuildLive(
    sessions: { channelId: string; sessionId: string; startedAt: string; peak: number }[],
    activity: { channelId: string; messageId: string; userId: string; sentAtMs: number }[],
  ): Promise<void> {
    const k = this.keys;
    const multi = this.redis.multi();
    for (const s of sessions) {
      multi.hsetnx(k.live(s.channelId), 'sessionId', s.sessionId);
      multi.hsetnx(k.live(s.channelId), 'startedAt', s.startedAt);
      multi.hsetnx(k.live(s.channelId), 'peak', s.peak);
      multi.sadd(k.liveChannels(), s.channelId);
      multi.zadd(k.liveViewers, 'NX', 0, s.channelId);
    }
    multi.set(k.liveRebuilt(), new Date().toISOString());
    await multi.exec();
    const byChannel = new Map<string, typeof activity>();
    for (const a of activity) byChannel.set(a.channelId, [...(byChannel.get(a.channelId) ?? []), a]);
    for (const [channelId, list] of byChannel) await this.recordActivity(channelId, list);
  }

  /** One ticker step for a live channel; undefined when it is not live any more. */
  async tick(channelId: string, now: number): Promise<TickResult | undefined> {
    const k = this.keys;
    const result = (await this.scripts.tick(
      [k.live(channelId), k.viewers(channelId), k.chatters(channelId), k.messages(channelId), k.liveViewers],
      [channelId, now, this.settings.viewerTtlMs(), CHATTER_WINDOW_MS, MESSAGE_RETENTION_MS, now - (now % 60_000)],
    )) as [number, number, number, number, string] | null;
    if (!result) {
      await this.redis.srem(k.liveChannels(), channelId);
      return undefined;
    }
    const [viewers, peak, chatters, minuteMessages, sessionId] = result;
    return { channelId, sessionId, viewers, peak, chatters, minuteMessages };
  }

  // ---- viewers ----

  /** Each player's last heartbeat time (ZADD GT: a late or repeated heartbeat never moves it back). */
  async recordHeartbeats(beats: { channelId: string; playerSessionId: string; atMs: number }[]): Promise<void> {
    const byChannel = new Map<string, (string | number)[]>();
    for (const b of beats) {
      const list = byChannel.get(b.channelId) ?? [];
      list.push(b.atMs, b.playerSessionId);
      byChannel.set(b.channelId, list);
    }
    const multi = this.redis.multi();
    for (const [channelId, args] of byChannel) {
      multi.zadd(this.keys.viewers(channelId), 'GT', ...args);
      multi.expire(this.keys.viewers(channelId), IDLE_TTL_SECONDS);
    }
    await multi.exec();
  }

  async countRequest(address: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const key = this.keys.rate(address, window);
    const results = await this.redis.multi().incr(key).pexpire(key, windowMs).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    return { count, resetInMs: (window + 1) * windowMs - now };
  }

  async counters(channelId: string, now: number) {
    const k = this.keys;
    const results = await this.redis
      .multi()
      .zcount(k.viewers(channelId), `(${now - this.settings.viewerTtlMs()}`, '+inf')
      .zcount(k.chatters(channelId), `(${now - CHATTER_WINDOW_MS}`, '+inf')
      .zcount(k.messages(channelId), `(${now - MESSAGE_RATE_WINDOW_MS}`, '+inf')
      .hget(k.live(channelId), 'peak')
      .exec();
    const n = (i: number) => Number(results?.[i]?.[1] ?? 0);
    return { viewers: n(0), chatters: n(1), messagesPerMinute: n(2), peakViewers: n(3) };
  }

  // ---- presence ----

  async presenceSnapshot(data: ChatPresenceSnapshot['data']): Promise<void> {
    const stored: StoredNode = {
      m: Object.fromEntries(data.members.map((m) => [m.userId, { n: m.nickname, r: m.role }])),
      a: data.anonymous,
      e: Date.parse(data.at) + data.ttlSeconds * 1000,
    };
    const key = this.keys.presence(data.channelId);
    await this.redis.multi().hset(key, data.node, JSON.stringify(stored)).expire(key, IDLE_TTL_SECONDS).exec();
  }

  async presenceChange(
    channelId: string,
    op: 'join' | 'leave',
    node: string,
    member: { userId: string; nickname: string; role: string },
    expiresAtMs: number,
  ): Promise<void> {
    await this.scripts.presence(
      [this.keys.presence(channelId)],
      [op, node, member.userId, member.nickname, member.role, expiresAtMs, IDLE_TTL_SECONDS],
    );
  }

  async presenceNodes(channelId: string): Promise<PresenceNode[]> {
    const all = await this.redis.hgetall(this.keys.presence(channelId));
    return Object.entries(all).map(([node, raw]) => {
      const s = JSON.parse(raw) as StoredNode;
      // Lua's cjson writes an empty table as [] or {}: both mean no members.
      const members = Array.isArray(s.m)
        ? []
        : Object.entries(s.m).map(([userId, v]) => ({ userId, nickname: v.n, role: v.r }));
      return { node, members, anonymous: s.a, expiresAt: s.e };
    });
  }

  async dropPresenceNodes(channelId: string, nodes: string[]): Promise<void> {
    if (nodes.length > 0) await this.redis.hdel(this.keys.presence(channelId), ...nodes);
  }
}

function pairs(messages: ChatMessageView[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of messages) out.push(m.seq, JSON.stringify(m));
  return out;
}

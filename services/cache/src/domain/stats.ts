import type { ChannelStats, HeartbeatRequest, SessionStats } from '@phzzk/contracts';
import { channelNotFound, channelOffline, rateLimited, sessionNotFound } from './errors.ts';
import type { CacheStore, ChannelDirectory, HeartbeatPublisher, StatsCache } from './ports.ts';

/** A player sends a heartbeat every this many seconds. */
export const HEARTBEAT_INTERVAL_SECONDS = 15;
/** Chatters: distinct senders in this window. */
export const CHATTER_WINDOW_MS = 10 * 60_000;
export const MESSAGE_RATE_WINDOW_MS = 60_000;

interface StatsDeps {
  store: CacheStore;
  cache: StatsCache;
  publisher: HeartbeatPublisher;
  /** Asked when no channel event ever named a channel: it may exist and never have streamed. */
  channels?: ChannelDirectory;
  rateLimit: () => { limit: number; windowMs: number };
  now?: () => number;
}

/** Viewer statistics: accepting heartbeats and answering the counters. */
export class Stats {
  private readonly deps: StatsDeps;
  constructor(deps: StatsDeps) {
    this.deps = deps;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Validated input in; 429 past the address's budget, 404/409 unless the channel is live. */
  async heartbeat(input: HeartbeatRequest, address: string, userId: string | undefined): Promise<void> {
    const { cache, publisher } = this.deps;
    const { limit, windowMs } = this.deps.rateLimit();
    if (limit > 0) {
      const { count, resetInMs } = await cache.countRequest(address, windowMs);
      if (count > limit) throw rateLimited(Math.max(1, Math.ceil(resetInMs / 1000)));
    }
    await this.requireLive(input.channelId);
    await publisher.publish({
      channelId: input.channelId,
      playerSessionId: input.playerSessionId,
      userId: userId ?? null,
      rendition: input.rendition ?? null,
      latencySeconds: input.latencySeconds ?? null,
      at: new Date(this.now()).toISOString(),
    });
  }

  private async requireLive(channelId: string): Promise<void> {
    const { cache, store } = this.deps;
    if (await cache.live(channelId)) return;
    // Offline and unknown answers are remembered briefly, so a flood for them costs no queries.
    const mark = await cache.offlineMark(channelId);
    if (mark === 'unknown') throw channelNotFound();
    if (mark === 'offline') throw channelOffline();
    // Not in Redis: PostgreSQL decides (Redis may have lost the live state; the ticker restores it).
    const { known, live } = await store.liveness(channelId);
    if (live) return;
    const exists = known || (await this.existsInDirectory(channelId));
    // The channel service could not be asked: 404 from what this service knows, not remembered.
    if (exists === undefined) throw channelNotFound();
    await cache.markOffline(channelId, exists ? 'offline' : 'unknown');
    throw exists ? channelOffline() : channelNotFound();
  }

  /** A channel no event named may still exist (created, never updated, never live): the channel service says. */
  private async existsInDirectory(channelId: string): Promise<boolean | undefined> {
    const { channels, store } = this.deps;
    if (!channels) return false;
    const exists = await channels.exists(channelId);
    if (exists) await store.rememberChannel(channelId);
    return exists;
  }

  async channel(channelId: string): Promise<ChannelStats> {
    const { cache, store } = this.deps;
    const live = await cache.live(channelId);
    if (!live) {
      const state = await store.liveness(channelId);
      if (!state.known && !(await this.existsInDirectory(channelId))) throw channelNotFound();
      if (!state.live) {
        const counters = await cache.counters(channelId, this.now());
        return {
          live: false,
          viewers: 0,
          peakViewers: 0,
          chatters: counters.chatters,
          messagesPerMinute: counters.messagesPerMinute,
          startedAt: null,
        };
      }
    }
    const counters = await cache.counters(channelId, this.now());
    const startedAt = live?.startedAt ?? (await store.liveness(channelId)).live?.startedAt.toISOString() ?? null;
    return {
      live: true,
      viewers: counters.viewers,
      peakViewers: Math.max(counters.peakViewers, counters.viewers),
      chatters: counters.chatters,
      messagesPerMinute: counters.messagesPerMinute,
      startedAt,
    };
  }

  async session(channelId: string, sessionId: string): Promise<SessionStats> {
    const { store, cache } = this.deps;
    const session = await store.session(channelId, sessionId);
    if (!session) throw sessionNotFound();
    const live = session.endedAt ? undefined : await cache.live(channelId);
    return {
      sessionId,
      channelId,
      startedAt: session.startedAt.toISOString(),
      endedAt: session.endedAt?.toISOString() ?? null,
      peakViewers: Math.max(session.peakViewers, live?.sessionId === sessionId ? live.peakViewers : 0),
      samples: await store.samples(sessionId),
    };
  }
}

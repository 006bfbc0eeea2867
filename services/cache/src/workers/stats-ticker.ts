import type { Logger } from '@phzzk/kit';
import type { LiveCache, StatsStore, TickResult } from '../domain/ports.ts';
import { CHATTER_WINDOW_MS } from '../domain/stats.ts';

interface StatsTickerDeps {
  cache: LiveCache;
  store: StatsStore;
  logger: Logger;
  tickMs: () => number;
  sampleMs: () => number;
  now?: () => number;
}

/**
 * Every tick, for each live channel: drops viewers whose last heartbeat is too old, publishes the
 * count to the live directory's sorted set, raises the session's peak; every sample interval it
 * writes the minute's figures to PostgreSQL. Every instance runs it: each step is idempotent.
 * When Redis lost its data, the live set (and the recent chat activity) is rebuilt from PostgreSQL.
 */
export class StatsTicker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private lastSample = 0;
  ticks = 0;

  private readonly deps: StatsTickerDeps;
  constructor(deps: StatsTickerDeps) {
    this.deps = deps;
  }

  start(): void {
    const loop = () => {
      this.running = this.tick()
        .catch((error) => this.deps.logger.warn({ err: error }, 'stats tick failed'))
        .finally(() => {
          this.running = undefined;
          if (this.timer !== undefined) this.timer = setTimeout(loop, this.deps.tickMs());
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async tick(): Promise<TickResult[]> {
    const { cache, store } = this.deps;
    const now = this.deps.now?.() ?? Date.now();
    if (await cache.needsLiveRebuild()) await this.rebuild(now);
    const results: TickResult[] = [];
    for (const channelId of await cache.liveChannels()) {
      const r = await cache.tick(channelId, now);
      if (r) results.push(r);
    }
    if (now - this.lastSample >= this.deps.sampleMs()) {
      await store.writeSamples(results.map((r) => ({ ...r, minute: new Date(now - (now % 60_000)) })));
      this.lastSample = now;
    }
    this.ticks++;
    return results;
  }

  private async rebuild(now: number): Promise<void> {
    const { cache, store, logger } = this.deps;
    const sessions = await store.liveSessions();
    const activity = await store.recentActivity(
      sessions.map((s) => s.channelId),
      new Date(now - CHATTER_WINDOW_MS),
    );
    await cache.rebuildLive(
      sessions.map((s) => ({
        channelId: s.channelId,
        sessionId: s.sessionId,
        startedAt: s.startedAt.toISOString(),
        peak: s.peakViewers,
      })),
      activity.map((a) => ({
        channelId: a.channel_id,
        messageId: a.message_id,
        userId: a.user_id,
        sentAtMs: a.sent_at.getTime(),
      })),
    );
    logger.info({ live: sessions.length }, 'live state rebuilt from PostgreSQL');
  }
}

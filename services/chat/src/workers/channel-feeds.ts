import type { Logger } from '@phzzk/kit';
import type { ChannelRules } from '../domain/moderation.ts';
import type { FeedLog, FeedSource } from '../domain/ports.ts';
import { applyEvent } from '../domain/rules.ts';
import { type ChannelEventKind, frameOf, type LoggedEvent, SeqOrder } from '../domain/sequencing.ts';
import { textFrame } from '../domain/websocket-frame.ts';

// The fan-out on one node: per channel with clients here, one subscription to the channel's feed,
// events put in seq order (gaps repaired from the log, duplicates dropped), kept in a window of
// recent events for welcomes and resumes, and written to every client of the channel once per tick:
// each event is framed once (a complete WebSocket frame), a tick's frames are one buffer, and that
// buffer (or its tail, for a client that already had the first events) is what every socket gets.

/** A connection as the fan-out sees it. */
export interface FeedClient {
  /** The highest seq this client has been sent (history included). */
  sentSeq: number;
  /** False while its welcome is being prepared: it receives nothing yet. */
  ready: boolean;
  /** Writes complete WebSocket frames (one or more, in order); the client decides about backpressure. */
  deliver(wire: Buffer): void;
}

interface EventWithBytes extends LoggedEvent {
  /** The event as a WebSocket text frame, header included. */
  wire: Buffer;
}

export class ChannelFeed {
  readonly channelId: string;
  readonly clients = new Set<FeedClient>();
  rules: ChannelRules;
  rulesLoadedAt = Date.now();
  /** Recent events, oldest first (at most the configured window). */
  readonly recent: EventWithBytes[] = [];
  order: SeqOrder<EventWithBytes> = new SeqOrder(0);
  private opening: EventWithBytes[] | undefined = [];
  private batch: EventWithBytes[] = [];
  private scheduled = false;
  repairing = false;
  lingerTimer: NodeJS.Timeout | undefined;
  private readonly feeds: ChannelFeeds;

  constructor(feeds: ChannelFeeds, channelId: string, rules: ChannelRules) {
    this.feeds = feeds;
    this.channelId = channelId;
    this.rules = rules;
  }

  get lastSeq(): number {
    return this.order.lastSeq;
  }

  get oldestRecentSeq(): number | undefined {
    return this.recent[0]?.seq;
  }

  /** An event from the live feed or a repair. */
  offer(event: EventWithBytes): void {
    if (this.opening) {
      this.opening.push(event);
      return;
    }
    this.accept(this.order.offer(event.seq, event));
    if (this.order.missing()) this.feeds.repair(this);
  }

  /** The feed is subscribed and its window loaded: events held meanwhile are replayed. */
  opened(window: EventWithBytes[], lastSeq: number): void {
    this.order = new SeqOrder(lastSeq);
    this.recent.push(...window);
    const held = this.opening ?? [];
    this.opening = undefined;
    for (const event of held) this.offer(event);
  }

  accept(events: EventWithBytes[]): void {
    if (events.length === 0) return;
    const max = this.feeds.options.recentEvents;
    for (const event of events) {
      if (event.kind === 'settings' || event.kind === 'moderation') {
        try {
          this.rules = applyEvent(this.rules, event.kind, event.frame);
        } catch (error) {
          this.feeds.options.logger.warn({ err: error, channelId: this.channelId }, 'unreadable channel event');
        }
      }
      this.recent.push(event);
      this.batch.push(event);
    }
    if (this.recent.length > max + 64) this.recent.splice(0, this.recent.length - max);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Events in the window with seq > `afterSeq`. */
  recentAfter(afterSeq: number): EventWithBytes[] {
    const recent = this.recent;
    let lo = 0;
    let hi = recent.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (recent[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return recent.slice(lo);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const first = batch[0]!.seq;
    const last = batch[batch.length - 1]!.seq;
    const wire = batch.length === 1 ? batch[0]!.wire : Buffer.concat(batch.map((e) => e.wire));
    for (const client of this.clients) {
      if (!client.ready || client.sentSeq >= last) continue;
      if (client.sentSeq < first) client.deliver(wire);
      else {
        // Joined during this batch: the frames after what its welcome held (a tail of the buffer).
        let offset = 0;
        for (const e of batch) {
          if (e.seq > client.sentSeq) break;
          offset += e.wire.length;
        }
        client.deliver(wire.subarray(offset));
      }
      client.sentSeq = last;
    }
  }
}

export interface ChannelFeedsOptions {
  source: FeedSource;
  log: FeedLog;
  /** The channel's rules, loaded when its feed opens and refreshed periodically. */
  loadRules: (channelId: string) => Promise<ChannelRules>;
  /** Events kept in memory per channel. */
  recentEvents: number;
  /** How long a feed stays subscribed after its last client left (a reconnecting client finds it). */
  lingerMs: number;
  /** How often the counters are compared with what was delivered (catches a lost last event). */
  syncIntervalMs: number;
  rulesRefreshMs: number;
  logger: Logger;
}

export const withBytes = (event: LoggedEvent): EventWithBytes => ({
  ...event,
  wire: textFrame(Buffer.from(event.frame)),
});

export class ChannelFeeds {
  readonly options: ChannelFeedsOptions;
  private readonly feeds = new Map<string, ChannelFeed>();
  private readonly opening = new Map<string, Promise<ChannelFeed>>();
  private readonly timer: NodeJS.Timeout;
  private syncing = false;

  constructor(options: ChannelFeedsOptions) {
    this.options = options;
    options.source.onReconnect(() => {
      for (const feed of this.feeds.values()) this.repair(feed, true);
    });
    this.timer = setInterval(() => void this.sync(), options.syncIntervalMs);
    this.timer.unref();
  }

  get size(): number {
    return this.feeds.size;
  }

  get(channelId: string): ChannelFeed | undefined {
    return this.feeds.get(channelId);
  }

  all(): IterableIterator<ChannelFeed> {
    return this.feeds.values();
  }

  /** The channel's feed, subscribed and loaded; concurrent callers share one opening. */
  open(channelId: string): Promise<ChannelFeed> {
    const existing = this.feeds.get(channelId);
    if (existing) {
      clearTimeout(existing.lingerTimer);
      existing.lingerTimer = undefined;
      return Promise.resolve(existing);
    }
    let pending = this.opening.get(channelId);
    if (!pending) {
      pending = this.doOpen(channelId).finally(() => this.opening.delete(channelId));
      this.opening.set(channelId, pending);
    }
    return pending;
  }

  private async doOpen(channelId: string): Promise<ChannelFeed> {
    const { source, log, loadRules, recentEvents } = this.options;
    const rules = await loadRules(channelId);
    const feed = new ChannelFeed(this, channelId, rules);
    // Subscribe first, then read the window: every event is in one or the other (or both).
    await source.subscribe(channelId, (seq, kind, body) => this.onMessage(feed, seq, kind, body));
    try {
      const [window, [counter]] = await Promise.all([log.latest(channelId, recentEvents), log.lastSeqs([channelId])]);
      const last = window.length > 0 ? window[window.length - 1]!.seq : (counter ?? 0);
      feed.opened(window.map(withBytes), last);
    } catch (error) {
      await source.unsubscribe(channelId);
      throw error;
    }
    this.feeds.set(channelId, feed);
    return feed;
  }

  private onMessage(feed: ChannelFeed, seq: number, kind: ChannelEventKind, body: string): void {
    const frame = frameOf(kind, seq, body);
    feed.offer({ seq, kind, frame, wire: textFrame(Buffer.from(frame)) });
  }

  /** A client left: the feed lingers a while, then unsubscribes. */
  release(feed: ChannelFeed): void {
    if (feed.clients.size > 0 || feed.lingerTimer) return;
    feed.lingerTimer = setTimeout(() => {
      if (feed.clients.size > 0) return;
      this.feeds.delete(feed.channelId);
      void this.options.source.unsubscribe(feed.channelId);
    }, this.options.lingerMs);
    feed.lingerTimer.unref();
  }

  /** Fetches what the feed misses from the log (after a gap, a reconnect, or a lost last event). */
  repair(feed: ChannelFeed, toEnd = false, upTo?: number): void {
    if (feed.repairing) return;
    const missing = feed.order.missing();
    if (!missing && !toEnd && upTo === undefined) return;
    feed.repairing = true;
    const from = feed.lastSeq + 1;
    const to = missing ? missing.to : upTo;
    void this.options.log
      .range(feed.channelId, from, to)
      .then((events) => {
        if (events.length === 0 || events[0]!.seq > from) {
          // Trimmed before this node saw it: nothing to do but go on from what the log holds.
          const resumeAfter = events.length > 0 ? events[0]!.seq - 1 : (to ?? feed.lastSeq);
          if (missing || upTo !== undefined) {
            this.options.logger.error(
              { channelId: feed.channelId, from, to: resumeAfter },
              'events missing from the log: skipped',
            );
            feed.accept(feed.order.skipTo(resumeAfter));
          }
        }
        for (const event of events) feed.accept(feed.order.offer(event.seq, withBytes(event)));
      })
      .catch((error) => this.options.logger.warn({ err: error, channelId: feed.channelId }, 'feed repair failed'))
      .finally(() => {
        feed.repairing = false;
        if (feed.order.missing()) setTimeout(() => this.repair(feed), 50).unref();
      });
  }

  /** Compares each feed with its channel's counter; refreshes rules that are old. */
  private async sync(): Promise<void> {
    if (this.syncing || this.feeds.size === 0) return;
    this.syncing = true;
    try {
      const feeds = [...this.feeds.values()];
      const counters = await this.options.log.lastSeqs(feeds.map((f) => f.channelId));
      const now = Date.now();
      feeds.forEach((feed, i) => {
        const counter = counters[i] ?? 0;
        if (counter > feed.lastSeq) this.repair(feed, false, counter);
        if (now - feed.rulesLoadedAt > this.options.rulesRefreshMs) void this.reloadRules(feed.channelId);
      });
    } catch (error) {
      this.options.logger.debug({ err: error }, 'feed sync failed');
    } finally {
      this.syncing = false;
    }
  }

  /** Reloads a channel's rules (moderators or blocked terms changed, or they are old). */
  async reloadRules(channelId: string): Promise<void> {
    const feed = this.feeds.get(channelId);
    if (!feed) return;
    try {
      const rules = await this.options.loadRules(channelId);
      // Bans and settings that arrived as events since the load started are in the store as well.
      feed.rules = rules;
      feed.rulesLoadedAt = Date.now();
    } catch (error) {
      this.options.logger.warn({ err: error, channelId }, 'reloading chat rules failed');
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const feed of this.feeds.values()) clearTimeout(feed.lingerTimer);
  }
}

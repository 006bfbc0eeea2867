import type { ChatHistoryPage, ChatMessageView } from '@phzzk/contracts';
import type { CacheStore, HistoryCache } from './ports.ts';

interface HistoryDeps {
  store: CacheStore;
  cache: HistoryCache;
  /** How many messages the cache keeps per channel (and a refill loads). */
  cap: () => number;
  onCacheError?: (error: unknown) => void;
}

/**
 * Chat history pages: the newest messages come from the cache, older ones from the store, cut at
 * the cache's floor so the two never overlap or leave a hole. A lost cache is refilled from the
 * store on the first read; a cache that does not answer leaves the store to answer alone.
 */
export class History {
  private readonly deps: HistoryDeps;
  constructor(deps: HistoryDeps) {
    this.deps = deps;
  }

  async page(channelId: string, before: number | undefined, limit: number): Promise<ChatHistoryPage> {
    const { store } = this.deps;
    let items: ChatMessageView[];
    try {
      items = await this.fromCache(channelId, before, limit);
    } catch (error) {
      this.deps.onCacheError?.(error);
      items = await store.messagesBefore(channelId, before, limit);
    }
    const oldest = items[0];
    return { items, nextBefore: items.length === limit && oldest && oldest.seq > 1 ? oldest.seq : null };
  }

  private async fromCache(channelId: string, before: number | undefined, limit: number) {
    const { store, cache } = this.deps;
    let slice = await cache.slice(channelId, before, limit);
    if (!slice) {
      const cap = this.deps.cap();
      const generation = await cache.generation(channelId);
      const newest = await store.messagesBefore(channelId, undefined, cap);
      const refilled = await cache.refill(channelId, newest, newest.length < cap, generation);
      slice = refilled ? await cache.slice(channelId, before, limit) : undefined;
      if (!slice) return store.messagesBefore(channelId, before, limit);
    }
    const missing = limit - slice.items.length;
    if (missing <= 0 || slice.floor <= 1) return slice.items;
    const below = before === undefined ? slice.floor : Math.min(before, slice.floor);
    const older = await store.messagesBefore(channelId, below, missing);
    return [...older, ...slice.items];
  }
}

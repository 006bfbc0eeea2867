import type { ChannelPage, LiveInfo } from '@phzzk/contracts';
import type { Logger, Redis } from '@phzzk/kit';
import type { ReadCache } from '../domain/ports.ts';

export interface RedisReadCacheOptions {
  redis: Redis;
  /** Namespaces every key (tests give each run its own). */
  prefix: string;
  liveTtlSeconds: () => number;
  pageTtlSeconds: () => number;
  logger: Logger;
}

/**
 * `GET /api/channels/{id}/live` and directory pages, cached in Redis.
 * - Live state: the event path writes what it committed (SET); a read that missed fills only an
 *   empty slot (SET NX), so a slow reader never puts back a state older than the event's.
 * - Directory pages live under a version that every live/offline/channel change increments: a
 *   change is visible at once, and the TTL bounds what it cannot see (e.g. viewer counts later).
 * When Redis is not connected the cache is skipped, not waited for.
 */
export class RedisReadCache implements ReadCache {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly options: RedisReadCacheOptions;

  constructor(options: RedisReadCacheOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.options = options;
  }

  private get ready(): boolean {
    return this.redis.status === 'ready';
  }

  private async attempt<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    if (!this.ready) return undefined;
    try {
      return await work();
    } catch (error) {
      this.options.logger.warn({ err: error, cache: what }, 'redis cache unavailable');
      return undefined;
    }
  }

  private liveKey(channelId: string) {
    return `${this.prefix}live:${channelId}`;
  }

  async live(channelId: string, load: () => Promise<LiveInfo>): Promise<LiveInfo> {
    const cached = await this.attempt('live', () => this.redis.get(this.liveKey(channelId)));
    if (cached) return JSON.parse(cached) as LiveInfo;
    const info = await load();
    await this.attempt('live', () =>
      this.redis.set(this.liveKey(channelId), JSON.stringify(info), 'EX', this.options.liveTtlSeconds(), 'NX'),
    );
    return info;
  }

  async putLive(channelId: string, info: LiveInfo): Promise<void> {
    await this.attempt('live', () =>
      this.redis.set(this.liveKey(channelId), JSON.stringify(info), 'EX', this.options.liveTtlSeconds()),
    );
  }

  async page(query: string, load: () => Promise<ChannelPage>): Promise<ChannelPage> {
    // The version read before loading names the slot the result goes to: a change that lands
    // meanwhile moves readers to a new version, so a stale result is never served after it.
    const version = (await this.attempt('directory', () => this.redis.get(`${this.prefix}directory:version`))) ?? '0';
    const key = `${this.prefix}directory:${version}:${query}`;
    const cached = await this.attempt('directory', () => this.redis.get(key));
    if (cached) return JSON.parse(cached) as ChannelPage;
    const page = await load();
    await this.attempt('directory', () =>
      this.redis.set(key, JSON.stringify(page), 'EX', this.options.pageTtlSeconds(), 'NX'),
    );
    return page;
  }

  async directoryChanged(): Promise<void> {
    const key = `${this.prefix}directory:version`;
    // The version only has to outlive the pages cached under it; expiring it keeps Redis tidy.
    await this.attempt('directory', () => this.redis.multi().incr(key).expire(key, 86_400).exec());
  }
}

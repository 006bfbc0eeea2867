/** The caching service's own Redis keys, all under one prefix (tests give each run its own). */
export class CacheKeys {
  readonly prefix: string;
  /** LIVE_VIEWERS_KEY of the contracts (the channel service reads it); tests override it. */
  readonly liveViewers: string;
  constructor(prefix: string, liveViewers: string) {
    this.prefix = prefix;
    this.liveViewers = liveViewers;
  }
  history = (channelId: string) => `${this.prefix}hist:${channelId}`;
  /** Every served message with seq >= this is in history; older ones are in PostgreSQL. */
  historyFloor = (channelId: string) => `${this.prefix}hist-floor:${channelId}`;
  /** Bumped by every deletion and clear: a refill that read PostgreSQL before one is not applied. */
  historyGeneration = (channelId: string) => `${this.prefix}hist-gen:${channelId}`;
  live = (channelId: string) => `${this.prefix}live:${channelId}`;
  liveChannels = () => `${this.prefix}live-channels`;
  /** Present while the live set is known to mirror PostgreSQL (gone after Redis lost its data). */
  liveRebuilt = () => `${this.prefix}live-rebuilt`;
  offline = (channelId: string) => `${this.prefix}offline:${channelId}`;
  viewers = (channelId: string) => `${this.prefix}viewers:${channelId}`;
  chatters = (channelId: string) => `${this.prefix}chatters:${channelId}`;
  messages = (channelId: string) => `${this.prefix}msgs:${channelId}`;
  presence = (channelId: string) => `${this.prefix}presence:${channelId}`;
  rate = (address: string, window: number) => `${this.prefix}rl:${address}:${window}`;
}

import type { ChannelPage, LiveInfo } from '@phzzk/contracts';
import type { ChannelProfile, ChannelPatch } from './channel.ts';
import type { Cursor, DirectoryFilter } from './directory.ts';
import type { LiveSessionFacts } from './live-info.ts';

/** A channel and its live session, if it is live. */
export interface ChannelRecord {
  channel: ChannelProfile;
  live: LiveSessionFacts | undefined;
}

/** A directory row with the sort key it was ranked by. */
export interface DirectoryRow extends ChannelRecord {
  viewers: number;
}

/** A freshly issued stream key: the key itself (for its owner, once) and what is stored of it. */
export interface IssuedStreamKey {
  key: string;
  digest: Buffer;
  sealed: Buffer;
}

/** PostgreSQL, the source of truth. */
export interface ChannelStore {
  findById(id: string): Promise<ChannelRecord | undefined>;
  findByOwner(ownerId: string): Promise<ChannelRecord | undefined>;
  /** Updates the owner's channel and queues channel.updated in the same transaction. */
  update(ownerId: string, patch: ChannelPatch): Promise<ChannelProfile | undefined>;
  streamKeyOf(channelId: string): Promise<{ digest: Buffer; sealed: Buffer } | undefined>;
  /**
   * Replaces the owner's stream key, ends a live session published with the old one and queues
   * stream-key.rotated, all in one transaction. Undefined when the owner has no channel.
   */
  rotateStreamKey(
    ownerId: string,
    issue: (channelId: string) => IssuedStreamKey,
  ): Promise<{ channelId: string; key: string; endedSession: boolean } | undefined>;
  /** Idempotent; returns the follower count after the change. */
  follow(channelId: string, userId: string): Promise<number>;
  unfollow(channelId: string, userId: string): Promise<number>;
  isFollowing(channelId: string, userId: string): Promise<boolean>;
  /** When the user started following the channel, or undefined when they do not follow it. */
  followedSince(channelId: string, userId: string): Promise<Date | undefined>;
  /** `exists` is false for an unknown channel. */
  liveSessionOf(channelId: string): Promise<{ exists: boolean; live: LiveSessionFacts | undefined }>;
  /**
   * Up to `limit` rows after the cursor, in the listing's order (see directory.ts). Live rows rank
   * by `viewers` (channel id -> viewers; a channel not in it has 0). `followedBy`: only the
   * channels this user follows.
   */
  list(
    filter: DirectoryFilter,
    cursor: Cursor | undefined,
    limit: number,
    viewers?: ReadonlyMap<string, number>,
    followedBy?: string,
  ): Promise<DirectoryRow[]>;
}

/**
 * Redis in front of the hot reads. A miss, an error or Redis being away all mean "ask `load`"
 * (PostgreSQL): the cache can make answers faster, never wrong for longer than its TTL.
 */
export interface ReadCache {
  live(channelId: string, load: () => Promise<LiveInfo>): Promise<LiveInfo>;
  /** Writes the live state an event (or a key rotation) just committed. */
  putLive(channelId: string, info: LiveInfo): Promise<void>;
  page(query: string, load: () => Promise<ChannelPage>): Promise<ChannelPage>;
  /** Invalidates every cached directory page (a channel went live or offline, or changed). */
  directoryChanged(): Promise<void>;
}

/** Keeps a copy of a stream key that only this service can read back (for its owner). */
export interface StreamKeySealer {
  seal(channelId: string, key: string): Buffer;
  /** Undefined when the copy cannot be opened (the sealing secret changed since). */
  open(channelId: string, sealed: Buffer): string | undefined;
}

/**
 * Concurrent viewers of live channels, as the caching service keeps them in Redis (LIVE_VIEWERS_KEY).
 * One read for a whole listing, never a call per channel; an error reads as "no viewers known".
 */
export interface LiveViewers {
  all(): Promise<ReadonlyMap<string, number>>;
  of(channelId: string): Promise<number>;
}

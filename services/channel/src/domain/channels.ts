import type { ChannelPage, ChannelSummary, LiveInfo } from '@phzzk/contracts';
import { type ChannelProfile, type ChannelPatch, channelBasics, normalizePatch } from './channel.ts';
import { type Cursor, type DirectoryFilter, decodeCursor, encodeCursor, filterOf } from './directory.ts';
import { DomainError } from '@phzzk/kit/errors';
import { channelNotFound, ownChannelNotFound, streamKeyUnknown } from './errors.ts';
import { liveInfo, OFFLINE } from './live-info.ts';
import type {
  ChannelRecord,
  ChannelStore,
  DirectoryRow,
  IssuedStreamKey,
  LiveViewers,
  ReadCache,
  StreamKeySealer,
} from './ports.ts';
import { channelIdOfKey, generateStreamKey, streamKeyDigest, streamKeyMatches } from './stream-key.ts';

export interface ChannelView {
  channel: ChannelProfile;
  live: LiveInfo;
  /** Null for anonymous callers and for the owner. */
  following: boolean | null;
}

export interface ChannelsDeps {
  store: ChannelStore;
  cache: ReadCache;
  sealer: StreamKeySealer;
  /** Called after a commit that queued an event, so the outbox is published at once. */
  onEvent?: () => void;
  /** Viewers per live channel (the caching service's sorted set); without it every count is 0. */
  viewers?: LiveViewers;
}

/** The channel service's use cases, over its ports. */
export class Channels {
  private readonly store: ChannelStore;
  private readonly cache: ReadCache;
  private readonly sealer: StreamKeySealer;
  private readonly onEvent: () => void;
  private readonly viewers: LiveViewers;

  constructor(deps: ChannelsDeps) {
    this.store = deps.store;
    this.cache = deps.cache;
    this.sealer = deps.sealer;
    this.onEvent = deps.onEvent ?? (() => {});
    this.viewers = deps.viewers ?? NO_VIEWERS;
  }

  async view(channelId: string, callerId: string | undefined): Promise<ChannelView> {
    const record = await this.store.findById(channelId);
    if (!record) throw channelNotFound();
    const following =
      callerId && callerId !== record.channel.ownerId ? await this.store.isFollowing(channelId, callerId) : null;
    return { ...(await this.present(record)), following };
  }

  /** Whether (and since when) a user follows a channel: the chat service's followers-only check. */
  async followOf(channelId: string, userId: string): Promise<{ following: boolean; since: Date | null }> {
    const record = await this.store.findById(channelId);
    if (!record) throw channelNotFound();
    const since = await this.store.followedSince(channelId, userId);
    return { following: since !== undefined, since: since ?? null };
  }

  async mine(ownerId: string): Promise<ChannelView> {
    const record = await this.store.findByOwner(ownerId);
    if (!record) throw ownChannelNotFound();
    return { ...(await this.present(record)), following: null };
  }

  async update(ownerId: string, patch: ChannelPatch): Promise<ChannelView> {
    const changed = await this.store.update(ownerId, normalizePatch(patch));
    if (!changed) throw ownChannelNotFound();
    this.onEvent();
    await this.cache.directoryChanged();
    return this.mine(ownerId);
  }

  async streamKey(ownerId: string): Promise<string> {
    const record = await this.store.findByOwner(ownerId);
    if (!record) throw ownChannelNotFound();
    const stored = await this.store.streamKeyOf(record.channel.id);
    const key = stored && this.sealer.open(record.channel.id, stored.sealed);
    if (!key) {
      throw new DomainError(
        'conflict',
        'STREAM_KEY_UNAVAILABLE',
        'The stream key cannot be shown; rotate it to get a new one.',
      );
    }
    return key;
  }

  /** A new key; the old one stops working at once and a session published with it ends. */
  async rotateStreamKey(ownerId: string): Promise<string> {
    const rotated = await this.store.rotateStreamKey(ownerId, (channelId) => this.issueKey(channelId));
    if (!rotated) throw ownChannelNotFound();
    this.onEvent();
    if (rotated.endedSession) {
      await this.cache.putLive(rotated.channelId, OFFLINE);
      await this.cache.directoryChanged();
    }
    return rotated.key;
  }

  /** A new random key for a channel, with its digest and sealed copy (also used at channel creation). */
  issueKey(channelId: string): IssuedStreamKey {
    const key = generateStreamKey(channelId);
    return { key, digest: streamKeyDigest(key), sealed: this.sealer.seal(channelId, key) };
  }

  /** The channel whose current key this is; unknown and rotated keys get the same answer. */
  async authorize(streamKey: string): Promise<string> {
    const channelId = channelIdOfKey(streamKey);
    const stored = channelId ? await this.store.streamKeyOf(channelId) : undefined;
    if (!channelId || !streamKeyMatches(streamKey, stored?.digest)) throw streamKeyUnknown();
    return channelId;
  }

  async follow(userId: string, channelId: string): Promise<number> {
    const record = await this.store.findById(channelId);
    if (!record) throw channelNotFound();
    if (record.channel.ownerId === userId) {
      throw new DomainError('conflict', 'CANNOT_FOLLOW_OWN_CHANNEL', 'You cannot follow your own channel.');
    }
    return this.store.follow(channelId, userId);
  }

  async unfollow(userId: string, channelId: string): Promise<number> {
    if (!(await this.store.findById(channelId))) throw channelNotFound();
    return this.store.unfollow(channelId, userId);
  }

  /** Read through Redis: players poll this, and it changes only when a stream starts or ends. */
  async live(channelId: string): Promise<LiveInfo> {
    const info = await this.cache.live(channelId, async () => {
      const { exists, live } = await this.store.liveSessionOf(channelId);
      if (!exists) throw channelNotFound();
      return liveInfo(channelId, live);
    });
    // The viewer count moves every few seconds: it is never cached with the live state.
    return { ...info, viewers: info.live ? await this.viewers.of(channelId) : 0 };
  }

  private async present(record: ChannelRecord) {
    const viewers = record.live ? await this.viewers.of(record.channel.id) : 0;
    return { channel: record.channel, live: liveInfo(record.channel.id, record.live, viewers) };
  }

  /**
   * A page of the directory; with `followedBy`, only the channels that user follows (one query,
   * never a call per channel; a page of one user's follows is not put in the shared page cache).
   */
  async list(query: { live?: boolean; limit?: number; cursor?: string }, followedBy?: string): Promise<ChannelPage> {
    const filter = filterOf(query.live);
    const limit = query.limit ?? 20;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, filter);
    const load = async () => {
      // One read of the whole sorted set orders the live listing (and the cursor carries the count).
      const viewers = filter === 'offline' ? undefined : await this.viewers.all();
      const rows = (await this.store.list(filter, cursor, limit + 1, viewers, followedBy)).map((row) => ({
        ...row,
        viewers: row.live ? (viewers?.get(row.channel.id) ?? 0) : 0,
      }));
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const nextCursor = rows.length > limit && last ? encodeCursor(cursorAfter(filter, last)) : null;
      return { items: items.map(summary), nextCursor };
    };
    return followedBy ? load() : this.cache.page(`${filter}:${limit}:${query.cursor ?? ''}`, load);
  }
}

function cursorAfter(filter: DirectoryFilter, row: DirectoryRow): Cursor {
  // A live listing only holds live rows, so `row.live` is there.
  return filter === 'live'
    ? { filter, viewers: row.viewers, startedAt: row.live!.startedAt.toISOString(), channelId: row.channel.id }
    : { filter, channelId: row.channel.id };
}

const NO_VIEWERS: LiveViewers = { all: async () => new Map(), of: async () => 0 };

function summary(record: DirectoryRow): ChannelSummary {
  return { ...channelBasics(record.channel), live: liveInfo(record.channel.id, record.live, record.viewers) };
}

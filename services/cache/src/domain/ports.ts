import type {
  ChatBan,
  ChatCleared,
  ChatDeleted,
  ChatJoin,
  ChatLeave,
  ChatMessage,
  ChatMessageView,
  ChatPresenceSnapshot,
  ChatReplayItem,
  ChatSettings,
  ChatTimeout,
  ChatUnban,
  StatsSample,
  StreamEnded,
  StreamStarted,
} from '@phzzk/contracts';

/** What one chat node last said about a channel's readers. */
export interface PresenceNode {
  node: string;
  members: { userId: string; nickname: string; role: 'owner' | 'moderator' | 'viewer' }[];
  anonymous: number;
  /** Epoch ms after which the node counts as gone. */
  expiresAt: number;
}

export interface LiveSession {
  sessionId: string;
  channelId: string;
  startedAt: Date;
  endedAt: Date | undefined;
  peakViewers: number;
}

/** PostgreSQL as the history and the statistics' durable copy read them. */
export interface CacheStore {
  /** Up to `limit` served (not deleted) messages with seq < before, oldest first. */
  messagesBefore(channelId: string, before: number | undefined, limit: number): Promise<ChatMessageView[]>;
  /** Messages of a session's time window, oldest first, with their offset from its start. */
  replay(session: LiveSession, fromSeconds: number, toSeconds: number, limit: number): Promise<ChatReplayItem[]>;
  session(channelId: string, sessionId: string): Promise<LiveSession | undefined>;
  /** `known` is false for a channel no channel event ever named. */
  liveness(channelId: string): Promise<{ known: boolean; live: LiveSession | undefined }>;
  samples(sessionId: string): Promise<StatsSample[]>;
  /** Records a channel the channel service vouched for (as a channel event would have). */
  rememberChannel(channelId: string): Promise<void>;
}

/** The channel service, asked only about a channel no channel event ever named. */
export interface ChannelDirectory {
  /** Whether the channel exists; undefined when the channel service could not be asked. */
  exists(channelId: string): Promise<boolean | undefined>;
}

export interface HistorySlice {
  /** Oldest first. */
  items: ChatMessageView[];
  /** Every served message with seq >= floor is in the cache; older ones are in the store. */
  floor: number;
}

/** Redis: the recent history, presence, live state and counters. */
export interface HistoryCache {
  /** Undefined when the channel's history is not cached (new, expired or Redis flushed). */
  slice(channelId: string, before: number | undefined, limit: number): Promise<HistorySlice | undefined>;
  /** A token that changes with every deletion or clear; read it before reading the store for a refill. */
  generation(channelId: string): Promise<string>;
  /**
   * Puts the newest messages from the store back (the cache was lost); safe against concurrent
   * appends; skipped (false) when a deletion or clear came since `generation` was read.
   * `complete`: the messages are the channel's whole served history.
   */
  refill(channelId: string, newest: ChatMessageView[], complete: boolean, generation: string): Promise<boolean>;
}

export interface LiveState {
  sessionId: string;
  startedAt: string;
  peakViewers: number;
}

export interface StatsCache {
  /** The live session as Redis knows it, undefined when not live there. */
  live(channelId: string): Promise<LiveState | undefined>;
  /** What a heartbeat check remembers of an offline or unknown channel, for a few seconds. */
  offlineMark(channelId: string): Promise<'offline' | 'unknown' | undefined>;
  markOffline(channelId: string, state: 'offline' | 'unknown'): Promise<void>;
  /** Counts one heartbeat of an address; returns the count in the current window. */
  countRequest(address: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  counters(
    channelId: string,
    now: number,
  ): Promise<{ viewers: number; chatters: number; messagesPerMinute: number; peakViewers: number }>;
  /** Every chat node's last report for the channel (expired ones included; the caller drops them). */
  presenceNodes(channelId: string): Promise<PresenceNode[]>;
  dropPresenceNodes(channelId: string, nodes: string[]): Promise<void>;
}

export interface HeartbeatPublisher {
  publish(heartbeat: {
    channelId: string;
    playerSessionId: string;
    userId: string | null;
    rendition: string | null;
    latencySeconds: number | null;
    at: string;
  }): Promise<void>;
}

type Moderation = ChatBan | ChatTimeout | ChatUnban | ChatSettings;

/** One batch of events for PostgreSQL, in the order they were consumed. */
export interface SyncBatch {
  started: StreamStarted[];
  ended: StreamEnded[];
  /** Channels named by any channel event. */
  channels: string[];
  messages: ChatMessage[];
  deleted: ChatDeleted[];
  cleared: ChatCleared[];
  moderation: Moderation[];
  presence: (ChatJoin | ChatLeave)[];
  /** Peak viewers of the sessions ending in this batch, as Redis counted them. */
  peaks: Map<string, number>;
}

export interface SyncResult {
  /** The batch's messages that are still to be served (not deleted or cleared), by channel. */
  served: Map<string, ChatMessageView[]>;
  /** Where deletions removed messages: channel -> seqs. */
  removed: Map<string, number[]>;
  /** Ids of the messages this batch inserted for the first time. */
  inserted: Set<string>;
}

/** PostgreSQL as the sync writes it. */
export interface SyncWriter {
  write(batch: SyncBatch): Promise<SyncResult>;
}

/** Redis as the consumers and the ticker write it. */
export interface LiveCache {
  append(channelId: string, messages: ChatMessageView[]): Promise<void>;
  remove(channelId: string, seqs: number[], clearedBefore: number | undefined): Promise<void>;
  recordActivity(channelId: string, messages: { messageId: string; userId: string; sentAtMs: number }[]): Promise<void>;
  streamStarted(channelId: string, sessionId: string, startedAt: string): Promise<void>;
  peakOf(channelId: string, sessionId: string): Promise<number>;
  streamEnded(channelId: string, sessionId: string): Promise<void>;
  presenceSnapshot(data: ChatPresenceSnapshot['data']): Promise<void>;
  presenceChange(
    channelId: string,
    op: 'join' | 'leave',
    node: string,
    member: { userId: string; nickname: string; role: string },
    expiresAtMs: number,
  ): Promise<void>;
  recordHeartbeats(beats: { channelId: string; playerSessionId: string; atMs: number }[]): Promise<void>;
  liveChannels(): Promise<string[]>;
  needsLiveRebuild(): Promise<boolean>;
  rebuildLive(
    sessions: { channelId: string; sessionId: string; startedAt: string; peak: number }[],
    activity: { channelId: string; messageId: string; userId: string; sentAtMs: number }[],
  ): Promise<void>;
  tick(channelId: string, now: number): Promise<TickResult | undefined>;
}

export interface TickResult {
  channelId: string;
  sessionId: string;
  viewers: number;
  peak: number;
  chatters: number;
  minuteMessages: number;
}

/** PostgreSQL as the ticker writes and the rebuild reads it. */
export interface StatsStore {
  liveSessions(): Promise<LiveSession[]>;
  recentActivity(
    channelIds: string[],
    since: Date,
  ): Promise<{ channel_id: string; message_id: string; user_id: string; sent_at: Date }[]>;
  /** Upserts one sample per session for the minute (keeping the highest figures) and the sessions' peaks. */
  writeSamples(samples: (TickResult & { minute: Date })[]): Promise<void>;
  /** Deletes messages sent before `before`; returns how many. */
  pruneMessages(before: Date, batchSize: number): Promise<number>;
}

import type { ChatSettingsValue } from '@phzzk/contracts';
import type { ChannelEventKind, LoggedEvent } from './sequencing.ts';

// What the chat domain, routes and workers need from the outside world.

/** A channel as chat needs it: that it exists, and who owns it. */
export interface ChannelInfo {
  id: string;
  ownerId: string;
}

/** The channel service (through discovery), cached. Throws UnavailableError when it cannot say. */
export interface ChannelDirectory {
  channel(channelId: string): Promise<ChannelInfo | undefined>;
  /** When the user began following the channel (ms since the epoch), or null. */
  followedSince(channelId: string, userId: string): Promise<number | null>;
}

/** Nicknames: kept from user.events, asked of the user service when unknown. */
export interface UserDirectory {
  nickname(userId: string): Promise<string | undefined>;
}

export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
}

export interface BanRecord {
  channelId: string;
  userId: string;
  /** null: permanent. */
  until: Date | null;
  reason: string | null;
  moderatorId: string;
  createdAt: Date;
}

/** A channel's moderation state as stored (PostgreSQL). */
export interface StoredRules {
  moderators: string[];
  bans: { userId: string; until: Date | null }[];
  settings: ChatSettingsValue | undefined;
  terms: string[];
}

export interface ModerationStore {
  load(channelId: string): Promise<StoredRules>;
  /** Active bans (timeouts not yet over), ordered by user id, after `afterUserId`. */
  listBans(channelId: string, afterUserId: string | undefined, limit: number): Promise<BanRecord[]>;
  banOf(channelId: string, userId: string): Promise<BanRecord | undefined>;
  putBan(ban: BanRecord): Promise<void>;
  /** True when a ban was lifted. */
  removeBan(channelId: string, userId: string): Promise<boolean>;
  listModerators(channelId: string): Promise<{ userId: string; appointedAt: Date }[]>;
  /** True when the user was not a moderator before. */
  addModerator(channelId: string, userId: string): Promise<boolean>;
  removeModerator(channelId: string, userId: string): Promise<boolean>;
  putSettings(channelId: string, settings: ChatSettingsValue): Promise<void>;
  putTerms(channelId: string, terms: string[]): Promise<void>;
  /** The highest seq known to be published, to continue a log Redis lost. */
  seqFloor(channelId: string): Promise<number>;
  raiseSeqFloor(channelId: string, seq: number): Promise<void>;
  putNickname(userId: string, nickname: string, at: Date): Promise<void>;
  nickname(userId: string): Promise<string | undefined>;
}

/** An event to append to a channel's log; the log gives it its seq. */
export interface AppendRequest {
  channelId: string;
  kind: ChannelEventKind;
  /** The WebSocket frame's fields other than `type` and `seq`. */
  frame: Record<string, unknown>;
  /** The Kafka event (its `data` without `seq`, added once the seq is known). */
  kafka: { topic: string; type: string; id: string; data: Record<string, unknown> };
  /** For messages: the author and message id, so moderation can find them in the log. */
  authorId?: string;
  messageId?: string;
  /** The highest seq the caller has seen: a floor should Redis have lost the channel's counter. */
  knownSeq?: number;
  /** For sends: the limits enforced atomically with the append. */
  limits?: { userId: string; rateLimit: number; windowMs: number; slowModeMs: number };
}

export type AppendResult =
  | { ok: true; seq: number }
  | { ok: false; code: 'RATE_LIMITED' | 'SLOW_MODE'; retryAfterMs: number };

/** A message found in the log, for deletion. */
export interface LoggedMessage {
  seq: number;
  authorId: string;
  deleted: boolean;
}

/** The channel's ordered log (Redis): appends are atomic, numbered and durable before the ack. */
export interface ChatLog {
  append(request: AppendRequest): Promise<AppendResult>;
  /** Events with seq in [from, to] (to: the end), oldest first, at most `count`. */
  range(channelId: string, from: number, to?: number, count?: number): Promise<LoggedEvent[]>;
  /** The newest `count` events, oldest first. */
  latest(channelId: string, count: number): Promise<LoggedEvent[]>;
  lastSeq(channelId: string): Promise<number>;
  findMessage(channelId: string, messageId: string): Promise<LoggedMessage | undefined>;
}

export type FeedMessageHandler = (seq: number, kind: ChannelEventKind, body: string) => void;

/** The live side of the fan-out: every event appended to a channel's log, as it is appended. */
export interface FeedSource {
  subscribe(channelId: string, handler: FeedMessageHandler): Promise<void>;
  unsubscribe(channelId: string): Promise<void>;
  onReconnect(handler: () => void): void;
}

/** What the feeds read from the log besides the live side. */
export interface FeedLog {
  range(channelId: string, from: number, to?: number, count?: number): Promise<LoggedEvent[]>;
  latest(channelId: string, count: number): Promise<LoggedEvent[]>;
  /** The seq counters of many channels at once. */
  lastSeqs(channelIds: string[]): Promise<number[]>;
}

/** An event of the log as the Kafka relay publishes it. */
export interface RelayEntry {
  seq: number;
  kafka: { topic: string; type: string; id: string; data: Record<string, unknown> };
}

/** The relay's view of the logs: which channels have unrelayed events, a lease per channel, a cursor. */
export interface RelayLog {
  unrelayed(limit: number): Promise<string[]>;
  /** Takes or renews the channel's relay lease for `owner`; false when another holds it. */
  lease(channelId: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(channelId: string, owner: string): Promise<void>;
  cursor(channelId: string): Promise<number>;
  entries(channelId: string, afterSeq: number, count: number): Promise<RelayEntry[]>;
  /** Moves the cursor to `seq` (while still holding the lease); forgets the channel once caught up. */
  advance(channelId: string, seq: number, owner: string): Promise<void>;
}

/** Kafka: one event, validated against its topic's contract, with its envelope id. */
export interface EventSink {
  publish(topic: string, type: string, data: Record<string, unknown>, id: string): Promise<void>;
}

/** Best-effort presence events on chat.presence. */
export interface PresenceSink {
  publish(type: 'join' | 'leave' | 'presence.snapshot', data: Record<string, unknown>): Promise<void>;
}

export type CloseReason = 'backpressure' | 'flood' | 'malformed' | 'dead' | 'shutdown';

/** What chat reports to its metrics. */
export interface ChatObserver {
  closed(reason: CloseReason): void;
  sent(outcome: string): void;
}

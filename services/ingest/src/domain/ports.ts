import type { StreamEnded, StreamStarted } from '@phzzk/contracts';

export type StreamStartedData = StreamStarted['data'];
export type StreamEndedData = StreamEnded['data'];
export type StreamEndReason = StreamEndedData['reason'];

/** What the channel service says about a presented stream key. */
export type KeyCheck =
  | { kind: 'ok'; channelId: string }
  | { kind: 'unknown' }
  /** No channel instance answered usefully: we cannot tell, so the publish is refused. */
  | { kind: 'unavailable'; detail: string };

export interface StreamKeyAuthority {
  authorize(streamKey: string, signal: AbortSignal): Promise<KeyCheck>;
}

export type RenewResult = 'renewed' | 'lost';

/**
 * The cluster-wide "one publisher per channel" lock. Every call compares the holder, so a node
 * never renews or frees another node's lock. Errors (Redis away) reject.
 */
export interface LiveLocks {
  acquire(channelId: string, sessionId: string): Promise<boolean>;
  renew(channelId: string, sessionId: string): Promise<RenewResult>;
  release(channelId: string, sessionId: string): Promise<void>;
}

/** Delivers channel events in order (per channel) and keeps retrying while Kafka is away. */
export interface ChannelEventSink {
  started(data: StreamStartedData): void;
  ended(data: StreamEndedData): void;
}

/** The live publish behind a session, as far as the domain needs it. */
export interface Publisher {
  /** Ends the publish from our side; the end is reported back through `IngestSessions.ended`. */
  kick(why: string): void;
}

/** Why a publish was refused, as counted in metrics. */
export type RejectionReason =
  | 'bad-app'
  | 'bad-key'
  | 'unknown-key'
  | 'already-live'
  | 'channel-unavailable'
  | 'lock-unavailable'
  | 'not-ready';

export interface IngestObserver {
  rejected(reason: RejectionReason): void;
  ended(reason: StreamEndReason): void;
}

/** A live publish as an HTTP-FLV source (the GOP cache late joiners start from). */
export interface LiveSource {
  readonly ended: boolean;
  /** What the publisher delivered so far (bytes, latest media time in ms). */
  readonly stats: { bytes: number; lastTimestamp: number | undefined };
  /** Bytes of the GOP held for late joiners. */
  readonly cachedBytes: number;
}

/** HTTP-FLV readers of live sources: each starts at the cached GOP and follows the live tags. */
export interface SourceReaders {
  open(sessionId: string, source: LiveSource): NodeJS.ReadableStream;
  readersOf(sessionId: string): number;
}

/** What a stream-key rotation acts on: the channel's live publish on this node, if any. */
export interface KeyRotationTarget {
  /** Ends the channel's publishes here; how many were ended. */
  rotated(channelId: string): number;
}

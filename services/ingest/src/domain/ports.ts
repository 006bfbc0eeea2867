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

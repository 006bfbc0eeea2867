// What a stream.started / stream.ended event does to a channel's sessions. Events of a channel
// share a partition, but a producer's retry or a replay can still deliver them late, twice, or an
// end before its start; these decisions make every such order end in the same state.

export interface SessionState {
  id: string;
  /** Null when only the session's end has been seen so far. */
  startedAt: Date | null;
  endedAt: Date | null;
}

export type StartDecision =
  /** The start was applied already. */
  | { kind: 'duplicate' }
  /** The end came first: record the start as history, the channel does not go live. */
  | { kind: 'record-ended' }
  /** Go live; a live session the ingest never ended (crash, lost event) is ended at this start. */
  | { kind: 'go-live'; supersede: string | undefined }
  /** An older start arriving after a newer session went live: history only, ended at the newer start. */
  | { kind: 'record-superseded'; endedAt: Date };

export function decideStart(
  existing: SessionState | undefined,
  currentLive: SessionState | undefined,
  startedAt: Date,
): StartDecision {
  if (existing?.startedAt) return { kind: 'duplicate' };
  if (existing) return { kind: 'record-ended' };
  if (!currentLive?.startedAt) return { kind: 'go-live', supersede: undefined };
  if (currentLive.startedAt.getTime() <= startedAt.getTime()) return { kind: 'go-live', supersede: currentLive.id };
  return { kind: 'record-superseded', endedAt: currentLive.startedAt };
}

export type EndDecision =
  /** Unknown session: remember the end so that a late start cannot make the channel live. */
  | { kind: 'remember-end' }
  /** Ended already (or a duplicate): nothing changes. */
  | { kind: 'ignore' }
  | { kind: 'end' };

export function decideEnd(existing: SessionState | undefined): EndDecision {
  if (!existing) return { kind: 'remember-end' };
  if (existing.endedAt) return { kind: 'ignore' };
  return { kind: 'end' };
}

/** End reasons beyond the stream.ended ones: set by this service itself. */
export const SUPERSEDED = 'superseded';
export const KEY_ROTATED = 'key-rotated';

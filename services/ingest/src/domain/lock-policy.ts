// One publisher per channel across every ingest node: a Redis key per live channel holding the
// session id, with a short TTL that the holder renews while the session lives. A node that dies
// frees the channel within the TTL; a node cut off from Redis stops its session before its lock
// can expire, so two publishers of one channel never overlap.

export const liveLockKey = (channelId: string): string => `phzzk:ingest:live:${channelId}`;

export type LockTiming = { ttlMs: number; renewEveryMs: number };

export const DEFAULT_LOCK_TIMING: LockTiming = { ttlMs: 5000, renewEveryMs: 1000 };

/** A renewal's outcome: renewed, held by someone else (lost), or not known (Redis failed). */
export type RenewOutcome = 'renewed' | 'lost' | 'failed';

/**
 * Whether a session may go on after a renewal attempt. After failures it may only while the last
 * successful renewal still covers it, less one renewal period of safety margin.
 */
export function keepAfterRenew(outcome: RenewOutcome, lastRenewedAt: number, now: number, timing: LockTiming): boolean {
  if (outcome === 'renewed') return true;
  if (outcome === 'lost') return false;
  return now - lastRenewedAt < timing.ttlMs - timing.renewEveryMs;
}

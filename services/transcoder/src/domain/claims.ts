// What the claim loop does each tick, decided from the sessions hash and what this instance runs.
// Redis is the truth: a session is live while it is in the hash, and whoever holds its lease
// transcodes it. The Kafka consumer only edits the hash, so it need not be the holder.
import type { LiveSession } from './session.ts';

/**
 * live: transcoding and renewing the lease. ending: finishing (last part, ENDLIST, VOD files).
 * ended: finished; still served for a moment (players fetch ENDLIST), lease left to expire.
 */
export type LocalPhase = 'live' | 'ending' | 'ended';

export interface LocalStream {
  sessionId: string;
  phase: LocalPhase;
}

export type ClaimAction =
  | { type: 'finish'; channelId: string; sessionId: string; reason: 'ended' | 'replaced' }
  | { type: 'claim'; session: LiveSession };

export interface ClaimPolicy {
  /** Streams one instance transcodes at most. */
  capacity: number;
  /** Claims attempted per tick at most, so that instances share a burst of orphaned sessions. */
  claimsPerTick: number;
  /** A busy instance tries every (1 + floor(live / this)) ticks, leaving new sessions to idler ones. */
  streamsPerStagger: number;
}

export const DEFAULT_CLAIM_POLICY: ClaimPolicy = { capacity: 16, claimsPerTick: 2, streamsPerStagger: 4 };

export function decideClaims(
  sessions: readonly LiveSession[],
  local: ReadonlyMap<string, LocalStream>,
  tick: number,
  policy: ClaimPolicy = DEFAULT_CLAIM_POLICY,
): ClaimAction[] {
  const actions: ClaimAction[] = [];
  const byChannel = new Map(sessions.map((s) => [s.channelId, s]));
  let live = 0;
  for (const [channelId, stream] of local) {
    if (stream.phase !== 'live') continue;
    live++;
    const current = byChannel.get(channelId);
    if (!current) actions.push({ type: 'finish', channelId, sessionId: stream.sessionId, reason: 'ended' });
    else if (current.sessionId !== stream.sessionId) {
      actions.push({ type: 'finish', channelId, sessionId: stream.sessionId, reason: 'replaced' });
    }
  }
  const stagger = 1 + Math.floor(live / Math.max(1, policy.streamsPerStagger));
  if (tick % stagger !== 0) return actions;
  let budget = Math.min(policy.claimsPerTick, policy.capacity - live);
  for (const session of sessions) {
    if (budget <= 0) break;
    const mine = local.get(session.channelId);
    // Running (or still finishing) here: nothing to claim until that is over.
    if (mine && mine.phase !== 'ended') continue;
    if (mine?.phase === 'ended' && mine.sessionId === session.sessionId) continue;
    actions.push({ type: 'claim', session });
    budget--;
  }
  return actions;
}

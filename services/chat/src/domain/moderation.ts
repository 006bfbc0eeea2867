import type { ChatRole, ChatSettingsValue } from '@phzzk/contracts';

// Who may moderate a channel and against whom, and what a ban or timeout means for a sender.

/** Timeouts run from 1 second to 14 days; no duration is a permanent ban. */
export const TIMEOUT_MIN_SECONDS = 1;
export const TIMEOUT_MAX_SECONDS = 14 * 24 * 3600;

/** A ban as chat enforces it: `until` null is permanent, a time ends a timeout. */
export interface BanState {
  until: number | null;
}

/** A channel's moderation state as one node holds it in memory. */
export interface ChannelRules {
  ownerId: string;
  moderators: ReadonlySet<string>;
  bans: ReadonlyMap<string, BanState>;
  settings: ChatSettingsValue;
  /** Normalized blocked terms (see blocked-terms.ts). */
  terms: readonly string[];
}

export function roleOf(rules: Pick<ChannelRules, 'ownerId' | 'moderators'>, userId: string): ChatRole {
  if (userId === rules.ownerId) return 'owner';
  return rules.moderators.has(userId) ? 'moderator' : 'viewer';
}

export const isModerator = (role: ChatRole): boolean => role === 'owner' || role === 'moderator';

export type TargetCheck = { ok: true } | { ok: false; kind: 'forbidden' | 'invalid'; code: string; detail: string };

/**
 * Whether `actor` may ban, time out, unban or delete the messages of `target`: the owner acts on
 * anyone but themself, a moderator only on viewers.
 */
export function checkTarget(actorId: string, actorRole: ChatRole, targetId: string, targetRole: ChatRole): TargetCheck {
  if (!isModerator(actorRole)) {
    return { ok: false, kind: 'forbidden', code: 'NOT_A_MODERATOR', detail: 'Only the owner and moderators moderate.' };
  }
  if (actorId === targetId) {
    return { ok: false, kind: 'invalid', code: 'CANNOT_MODERATE_SELF', detail: 'You cannot moderate yourself.' };
  }
  if (targetRole === 'owner' || (targetRole === 'moderator' && actorRole !== 'owner')) {
    return {
      ok: false,
      kind: 'forbidden',
      code: 'CANNOT_MODERATE_TARGET',
      detail: 'A moderator cannot act against the owner or another moderator.',
    };
  }
  return { ok: true };
}

export type BanCheck =
  | { ok: true }
  | { ok: false; code: 'BANNED' }
  | { ok: false; code: 'TIMED_OUT'; retryAfterMs: number };

/** What a ban means for a send at `now` (an expired timeout means nothing). */
export function checkBan(ban: BanState | undefined, now: number): BanCheck {
  if (!ban) return { ok: true };
  if (ban.until === null) return { ok: false, code: 'BANNED' };
  if (ban.until > now) return { ok: false, code: 'TIMED_OUT', retryAfterMs: ban.until - now };
  return { ok: true };
}

export type DurationCheck = { ok: true; seconds: number | null } | { ok: false; detail: string };

/** A ban's duration: undefined = permanent, else an integer within the timeout bounds. */
export function checkDuration(durationSeconds: number | undefined): DurationCheck {
  if (durationSeconds === undefined) return { ok: true, seconds: null };
  if (
    !Number.isInteger(durationSeconds) ||
    durationSeconds < TIMEOUT_MIN_SECONDS ||
    durationSeconds > TIMEOUT_MAX_SECONDS
  ) {
    return {
      ok: false,
      detail: `durationSeconds is an integer from ${TIMEOUT_MIN_SECONDS} to ${TIMEOUT_MAX_SECONDS} (14 days)`,
    };
  }
  return { ok: true, seconds: durationSeconds };
}

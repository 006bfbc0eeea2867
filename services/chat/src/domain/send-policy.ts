import type { ChatErrorCode, ChatRole } from '@phzzk/contracts';
import { findBlockedTerm } from './blocked-terms.ts';
import { type ChannelRules, checkBan, isModerator } from './moderation.ts';
import { cleanText, isEmoteOnly } from './text.ts';

// Whether a signed-in user's message may go into a channel's log. Everything decided here needs
// no shared state; the two limits that must hold across nodes (the rate limit and slow mode) are
// returned as parameters and enforced atomically with the append (see redis-chat-log.ts).

export interface RateLimits {
  /** Messages per window for viewers. */
  messages: number;
  /** Messages per window for the owner and moderators. */
  moderatorMessages: number;
  windowMs: number;
}

export interface SendInput {
  userId: string;
  role: ChatRole;
  rules: ChannelRules;
  rawText: string;
  now: number;
  /** When the user began following the channel; null when not following; only read when needed. */
  followedSince?: number | null;
}

export type SendDecision =
  | { ok: true; text: string; rateLimit: number; windowMs: number; slowModeMs: number }
  | { ok: false; code: ChatErrorCode; message: string; retryAfterMs?: number };

export const MESSAGE_MAX_CODE_POINTS = 500;

/** Followers-only applies to viewers when the channel turned it on. */
export const needsFollowCheck = (role: ChatRole, rules: ChannelRules): boolean =>
  !isModerator(role) && rules.settings.followersOnlyMinutes !== null;

export function decideSend(input: SendInput, limits: RateLimits): SendDecision {
  const { role, rules, now } = input;
  const privileged = isModerator(role);

  const ban = checkBan(rules.bans.get(input.userId), now);
  if (!ban.ok) {
    return ban.code === 'BANNED'
      ? { ok: false, code: 'BANNED', message: 'You are banned from this chat.' }
      : { ok: false, code: 'TIMED_OUT', message: 'You are timed out.', retryAfterMs: ban.retryAfterMs };
  }

  const cleaned = cleanText(input.rawText, MESSAGE_MAX_CODE_POINTS);
  if (!cleaned.ok) {
    return cleaned.code === 'EMPTY_MESSAGE'
      ? { ok: false, code: 'EMPTY_MESSAGE', message: 'The message is empty.' }
      : { ok: false, code: 'MESSAGE_TOO_LONG', message: `A message is at most ${MESSAGE_MAX_CODE_POINTS} characters.` };
  }

  const minutes = rules.settings.followersOnlyMinutes;
  if (!privileged && minutes !== null) {
    const since = input.followedSince;
    if (since === undefined || since === null) {
      return { ok: false, code: 'FOLLOWERS_ONLY', message: 'Only followers may chat here.' };
    }
    const eligibleAt = since + minutes * 60_000;
    if (eligibleAt > now) {
      return {
        ok: false,
        code: 'FOLLOWERS_ONLY',
        message: `Only followers of at least ${minutes} minutes may chat here.`,
        retryAfterMs: eligibleAt - now,
      };
    }
  }

  if (!privileged && rules.settings.emoteOnly && !isEmoteOnly(cleaned.text)) {
    return { ok: false, code: 'EMOTE_ONLY', message: 'Only emoji may be sent in emote-only mode.' };
  }

  // Blocked terms bind everyone but the owner (a moderator's message can embarrass the channel too).
  if (role !== 'owner' && findBlockedTerm(cleaned.text, rules.terms) !== undefined) {
    return { ok: false, code: 'BLOCKED_TERM', message: 'The message contains a blocked term.' };
  }

  return {
    ok: true,
    text: cleaned.text,
    rateLimit: privileged ? limits.moderatorMessages : limits.messages,
    windowMs: limits.windowMs,
    slowModeMs: privileged ? 0 : rules.settings.slowModeSeconds * 1000,
  };
}

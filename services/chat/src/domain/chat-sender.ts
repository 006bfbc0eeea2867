import type { ChatErrorCode, ChatUser } from '@phzzk/contracts';
import type { ChannelRules } from './moderation.ts';
import { roleOf } from './moderation.ts';
import { type ChannelDirectory, type ChatLog, UnavailableError } from './ports.ts';
import { decideSend, needsFollowCheck, type RateLimits } from './send-policy.ts';

export interface SenderDeps {
  log: ChatLog;
  channels: ChannelDirectory;
  limits: () => RateLimits;
  newId: () => string;
  now: () => number;
}

export type SendOutcome =
  | { ok: true; messageId: string; seq: number }
  | { ok: false; code: ChatErrorCode; message: string; retryAfterMs?: number };

/**
 * A signed-in user's message: checked against the channel's rules, then appended to the channel's
 * log with the rate limit and slow mode enforced in the same atomic step. `ok` means it is in the
 * log with its seq: every node will deliver it, and the relay will put it on Kafka.
 */
export async function sendMessage(
  deps: SenderDeps,
  input: { channelId: string; userId: string; nickname: string; rules: ChannelRules; text: string; knownSeq: number },
): Promise<SendOutcome> {
  const { rules, userId, channelId } = input;
  const role = roleOf(rules, userId);
  let followedSince: number | null | undefined;
  if (needsFollowCheck(role, rules)) {
    try {
      followedSince = await deps.channels.followedSince(channelId, userId);
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw error;
      return { ok: false, code: 'UNAVAILABLE', message: 'Follow data is unavailable; try again.' };
    }
  }
  const now = deps.now();
  const decision = decideSend({ userId, role, rules, rawText: input.text, now, followedSince }, deps.limits());
  if (!decision.ok) return decision;

  const messageId = deps.newId();
  const user: ChatUser = { id: userId, nickname: input.nickname, role };
  const sentAt = new Date(now).toISOString();
  const result = await deps.log.append({
    channelId,
    kind: 'message',
    frame: { messageId, user, text: decision.text, sentAt },
    kafka: {
      topic: 'chat.messages',
      type: 'chat.message',
      id: deps.newId(),
      data: { channelId, messageId, user, text: decision.text, sentAt },
    },
    authorId: userId,
    messageId,
    knownSeq: input.knownSeq,
    limits: { userId, rateLimit: decision.rateLimit, windowMs: decision.windowMs, slowModeMs: decision.slowModeMs },
  });
  if (!result.ok) {
    return result.code === 'SLOW_MODE'
      ? { ok: false, code: 'SLOW_MODE', message: 'Slow mode is on.', retryAfterMs: result.retryAfterMs }
      : { ok: false, code: 'RATE_LIMITED', message: 'You are sending too fast.', retryAfterMs: result.retryAfterMs };
  }
  return { ok: true, messageId, seq: result.seq };
}

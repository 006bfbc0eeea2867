import type { ChatChannelEvent, MessageEventFrame } from '@phzzk/contracts';

// The chat's visible state, kept pure so it can be tested without a browser: at most `limit`
// messages (browsers slow down with thousands of rows), each event applied once by its seq, so
// a resumed connection that repeats events shows no duplicate.

export type ChatLine = Pick<MessageEventFrame, 'seq' | 'messageId' | 'user' | 'text' | 'sentAt'> & {
  deleted?: boolean;
};

export interface ChatLog {
  lines: ChatLine[];
  /** The highest seq applied: what `?since=` resumes from. */
  lastSeq: number;
}

export const DEFAULT_CHAT_LIMIT = 300;
export const emptyChatLog = (): ChatLog => ({ lines: [], lastSeq: 0 });

/** Applies events in order; events at or below lastSeq (already seen) are skipped. */
export function applyEvents(log: ChatLog, events: readonly ChatChannelEvent[], limit = DEFAULT_CHAT_LIMIT): ChatLog {
  let { lines, lastSeq } = log;
  let changed = false;
  for (const event of events) {
    if (event.seq <= lastSeq) continue;
    lastSeq = event.seq;
    changed = true;
    switch (event.type) {
      case 'message': {
        const { seq, messageId, user, text, sentAt } = event;
        lines = [...lines, { seq, messageId, user, text, sentAt }];
        break;
      }
      case 'deleted':
        lines = lines.map((l) => (l.messageId === event.messageId ? { ...l, deleted: true, text: '' } : l));
        break;
      case 'cleared':
        lines = [];
        break;
      case 'moderation':
        // A ban or timeout removes the user's visible messages, as Twitch and CHZZK do.
        if (event.action !== 'unban') {
          lines = lines.map((l) => (l.user.id === event.userId ? { ...l, deleted: true, text: '' } : l));
        }
        break;
      case 'settings':
        break;
    }
  }
  if (!changed) return log;
  if (lines.length > limit) lines = lines.slice(lines.length - limit);
  return { lines, lastSeq };
}

/** A `welcome` starts over (reset, or a first connection) or continues the log (resume). */
export function applyWelcome(
  log: ChatLog,
  welcome: { seq: number; history: readonly ChatChannelEvent[]; reset?: true },
  resumed: boolean,
  limit = DEFAULT_CHAT_LIMIT,
): ChatLog {
  const base = !resumed || welcome.reset ? emptyChatLog() : log;
  const next = applyEvents(base, welcome.history, limit);
  return { ...next, lastSeq: Math.max(next.lastSeq, welcome.seq) };
}

import type { ChatJoin, ChatLeave } from '@phzzk/contracts';

export interface SessionOpen {
  joinEventId: string;
  channelId: string;
  node: string;
  userId: string;
  nickname: string;
  role: string;
  joinedAt: string;
}

export interface SessionClose {
  channelId: string;
  node: string;
  userId: string;
  leftAt: string;
}

/**
 * A batch of joins and leaves as four set-wide steps, applied in this order (each one statement
 * whatever the batch size). Only the first event of a (channel, node, user) depends on what
 * PostgreSQL holds (a visit may be open there); everything after it is known from the batch.
 */
export interface PresencePlan {
  /** 1. Leaves that came first for their user: close the visit open in PostgreSQL, if any. */
  closeStored: SessionClose[];
  /** 2. Joins that came first: open a visit unless one is open already (a repeated join is the same visit). */
  openUnlessOpen: SessionOpen[];
  /** 3. Leaves after such a join: close whichever visit step 2 left open. */
  closeAfterOpen: SessionClose[];
  /** 4. Visits entirely decided by the batch (left_at null when still open at its end). */
  sessions: (SessionOpen & { leftAt: string | null })[];
}

type State = 'stored' | 'open-stored-or-new' | 'closed' | 'open-known';

/** Folds joins and leaves, in the order they were consumed, into a plan that replays idempotently. */
export function planPresence(events: (ChatJoin | ChatLeave)[]): PresencePlan {
  const plan: PresencePlan = { closeStored: [], openUnlessOpen: [], closeAfterOpen: [], sessions: [] };
  const states = new Map<string, { state: State; open?: SessionOpen & { leftAt: string | null } }>();
  for (const e of events) {
    const d = e.data;
    const userId = e.type === 'join' ? (d as ChatJoin['data']).member.userId : (d as ChatLeave['data']).userId;
    const key = `${d.channelId}|${d.node}|${userId}`;
    const entry = states.get(key) ?? { state: 'stored' as State };
    states.set(key, entry);
    const at = d.at;
    if (e.type === 'join') {
      const { member } = e.data;
      const open: SessionOpen = {
        joinEventId: e.id,
        channelId: d.channelId,
        node: d.node,
        userId,
        nickname: member.nickname,
        role: member.role,
        joinedAt: at,
      };
      if (entry.state === 'stored') {
        plan.openUnlessOpen.push(open);
        entry.state = 'open-stored-or-new';
      } else if (entry.state === 'closed') {
        entry.open = { ...open, leftAt: null };
        plan.sessions.push(entry.open);
        entry.state = 'open-known';
      }
      // A join while a visit is open is the same visit: the first one is kept.
    } else {
      const close: SessionClose = { channelId: d.channelId, node: d.node, userId, leftAt: at };
      if (entry.state === 'stored') {
        plan.closeStored.push(close);
        entry.state = 'closed';
      } else if (entry.state === 'open-stored-or-new') {
        plan.closeAfterOpen.push(close);
        entry.state = 'closed';
      } else if (entry.state === 'open-known' && entry.open && Date.parse(entry.open.joinedAt) <= Date.parse(at)) {
        entry.open.leftAt = at;
        entry.state = 'closed';
      }
    }
  }
  return plan;
}

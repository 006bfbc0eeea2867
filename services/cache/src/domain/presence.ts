import type { ChatParticipants, Participant } from '@phzzk/contracts';
import type { PresenceNode } from './ports.ts';

const RANK = { owner: 0, moderator: 1, viewer: 2 } as const;

/**
 * Who is in a channel's chat: the union of the live nodes' members (a user connected through two
 * nodes counts once, with the highest role any node gave), the sum of their anonymous readers.
 * Nodes past their expiry are left out: their chat instance stopped reporting.
 */
export function mergePresence(
  channelId: string,
  nodes: PresenceNode[],
  now: number,
  limit: number,
): ChatParticipants & { expired: string[] } {
  const users = new Map<string, Participant>();
  let anonymous = 0;
  const expired: string[] = [];
  for (const node of nodes) {
    if (node.expiresAt <= now) {
      expired.push(node.node);
      continue;
    }
    anonymous += node.anonymous;
    for (const m of node.members) {
      const known = users.get(m.userId);
      if (!known || RANK[m.role] < RANK[known.role])
        users.set(m.userId, { id: m.userId, nickname: m.nickname, role: m.role });
    }
  }
  const sorted = [...users.values()].sort(
    (a, b) => RANK[a.role] - RANK[b.role] || a.nickname.localeCompare(b.nickname) || a.id.localeCompare(b.id),
  );
  return { channelId, users: sorted.slice(0, limit), signedIn: users.size, anonymous, expired };
}

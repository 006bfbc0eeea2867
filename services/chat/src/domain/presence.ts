import type { ChatRole } from '@phzzk/contracts';

// Who is in a channel's chat on this node: signed-in members (a user with several connections
// counts once) and anonymous readers. Joins and leaves are batched: a join and a leave of the same
// user within one batch cancel out, so a flapping connection costs no events.

export interface Member {
  userId: string;
  nickname: string;
  role: ChatRole;
}

export interface PresenceChanges {
  joins: { channelId: string; member: Member }[];
  leaves: { channelId: string; userId: string }[];
}

interface ChannelPresence {
  anonymous: number;
  members: Map<string, { member: Member; connections: number }>;
}

export class PresenceTracker {
  private readonly channels = new Map<string, ChannelPresence>();
  /** Per channel and user: the pending change since the last drain. */
  private pending = new Map<string, Map<string, { kind: 'join'; member: Member } | { kind: 'leave' }>>();

  add(channelId: string, member: Member | undefined): void {
    const channel = this.channel(channelId);
    if (!member) {
      channel.anonymous++;
      return;
    }
    const entry = channel.members.get(member.userId);
    if (entry) {
      entry.connections++;
      return;
    }
    channel.members.set(member.userId, { member, connections: 1 });
    this.note(channelId, member.userId, { kind: 'join', member });
  }

  remove(channelId: string, userId: string | undefined): void {
    const channel = this.channels.get(channelId);
    if (!channel) return;
    if (userId === undefined) channel.anonymous = Math.max(0, channel.anonymous - 1);
    else {
      const entry = channel.members.get(userId);
      if (entry && --entry.connections === 0) {
        channel.members.delete(userId);
        this.note(channelId, userId, { kind: 'leave' });
      }
    }
    if (channel.anonymous === 0 && channel.members.size === 0) this.channels.delete(channelId);
  }

  /** A member's nickname or role changed (shown in the next snapshot). */
  update(userId: string, change: Partial<Pick<Member, 'nickname' | 'role'>>, channelId?: string): void {
    for (const [id, channel] of this.channels) {
      if (channelId !== undefined && id !== channelId) continue;
      const entry = channel.members.get(userId);
      if (entry) entry.member = { ...entry.member, ...change };
    }
  }

  /** The joins and leaves since the last drain. */
  drain(): PresenceChanges {
    const changes: PresenceChanges = { joins: [], leaves: [] };
    for (const [channelId, users] of this.pending) {
      for (const [userId, change] of users) {
        if (change.kind === 'join') changes.joins.push({ channelId, member: change.member });
        else changes.leaves.push({ channelId, userId });
      }
    }
    this.pending = new Map();
    return changes;
  }

  snapshot(channelId: string): { members: Member[]; anonymous: number } {
    const channel = this.channels.get(channelId);
    if (!channel) return { members: [], anonymous: 0 };
    return { members: [...channel.members.values()].map((e) => e.member), anonymous: channel.anonymous };
  }

  channelIds(): string[] {
    return [...this.channels.keys()];
  }

  private channel(channelId: string): ChannelPresence {
    let channel = this.channels.get(channelId);
    if (!channel) {
      channel = { anonymous: 0, members: new Map() };
      this.channels.set(channelId, channel);
    }
    return channel;
  }

  private note(channelId: string, userId: string, change: { kind: 'join'; member: Member } | { kind: 'leave' }) {
    let users = this.pending.get(channelId);
    if (!users) {
      users = new Map();
      this.pending.set(channelId, users);
    }
    const earlier = users.get(userId);
    // A join then a leave (or a leave then a join) within one batch: nothing changed for others.
    if (earlier && earlier.kind !== change.kind) users.delete(userId);
    else users.set(userId, change);
  }
}

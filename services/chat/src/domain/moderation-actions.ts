import type { ChatRole, ChatSettingsValue } from '@phzzk/contracts';
import { DEFAULT_CHAT_SETTINGS } from '@phzzk/contracts';
import { normalizeTerms } from './blocked-terms.ts';
import { channelNotFound, notAModerator, notTheOwner, unavailable } from './errors.ts';
import { DomainError, invalid, notFound } from '@phzzk/kit/errors';
import { checkDuration, checkTarget, isModerator, roleOf } from './moderation.ts';
import {
  type AppendRequest,
  type BanRecord,
  type ChannelDirectory,
  type ChannelInfo,
  type ChatLog,
  type ModerationStore,
  UnavailableError,
} from './ports.ts';

export interface ModerationDeps {
  store: ModerationStore;
  log: ChatLog;
  channels: ChannelDirectory;
  /** Tells every node that a channel's moderators or blocked terms changed. */
  rulesChanged: (channelId: string) => Promise<void>;
  newId: () => string;
  now: () => number;
}

export interface BanView {
  userId: string;
  until: string | null;
  reason: string | null;
  moderatorId: string;
  createdAt: string;
}

const banView = (b: BanRecord): BanView => ({
  userId: b.userId,
  until: b.until?.toISOString() ?? null,
  reason: b.reason,
  moderatorId: b.moderatorId,
  createdAt: b.createdAt.toISOString(),
});

/**
 * The moderation use cases behind /api/chat/{channelId}/**. The state is written to PostgreSQL,
 * then the action is appended to the channel's log as an event (which every node applies as it
 * arrives and the relay puts on chat.moderation or chat.messages).
 */
export class ChatModeration {
  private readonly deps: ModerationDeps;

  constructor(deps: ModerationDeps) {
    this.deps = deps;
  }

  async channel(channelId: string): Promise<ChannelInfo> {
    let channel: ChannelInfo | undefined;
    try {
      channel = await this.deps.channels.channel(channelId);
    } catch (error) {
      if (error instanceof UnavailableError) throw unavailable('The channel service');
      throw error;
    }
    if (!channel) throw channelNotFound();
    return channel;
  }

  private async roleIn(channel: ChannelInfo, userId: string): Promise<ChatRole> {
    if (userId === channel.ownerId) return 'owner';
    const moderators = await this.deps.store.listModerators(channel.id);
    return roleOf({ ownerId: channel.ownerId, moderators: new Set(moderators.map((m) => m.userId)) }, userId);
  }

  private async moderatorOf(channelId: string, actorId: string) {
    const channel = await this.channel(channelId);
    const role = await this.roleIn(channel, actorId);
    if (!isModerator(role)) throw notAModerator();
    return { channel, role };
  }

  private async append(request: AppendRequest): Promise<number> {
    const result = await this.deps.log.append(request);
    if (!result.ok) throw new Error('a moderation event was refused by limits it does not have');
    return result.seq;
  }

  async settings(channelId: string): Promise<ChatSettingsValue> {
    await this.channel(channelId);
    return (await this.deps.store.load(channelId)).settings ?? DEFAULT_CHAT_SETTINGS;
  }

  async putSettings(actorId: string, channelId: string, settings: ChatSettingsValue) {
    await this.moderatorOf(channelId, actorId);
    await this.deps.store.putSettings(channelId, settings);
    const at = new Date(this.deps.now()).toISOString();
    const seq = await this.append({
      channelId,
      kind: 'settings',
      frame: { settings },
      kafka: {
        topic: 'chat.moderation',
        type: 'settings',
        id: this.deps.newId(),
        data: { channelId, moderatorId: actorId, at, settings },
      },
    });
    return { settings, seq };
  }

  async bans(actorId: string, channelId: string, after: string | undefined, limit: number) {
    await this.moderatorOf(channelId, actorId);
    const rows = await this.deps.store.listBans(channelId, after, limit + 1);
    const items = rows.slice(0, limit).map(banView);
    return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.userId ?? null) : null };
  }

  async ban(
    actorId: string,
    channelId: string,
    targetId: string,
    body: { durationSeconds?: number | undefined; reason?: string | undefined },
  ) {
    const { channel, role } = await this.moderatorOf(channelId, actorId);
    const duration = checkDuration(body.durationSeconds);
    if (!duration.ok) throw invalid('INVALID_DURATION', duration.detail);
    this.checkTarget(actorId, role, targetId, await this.roleIn(channel, targetId));
    const now = this.deps.now();
    const until = duration.seconds === null ? null : new Date(now + duration.seconds * 1000);
    const ban: BanRecord = {
      channelId,
      userId: targetId,
      until,
      reason: body.reason ?? null,
      moderatorId: actorId,
      createdAt: new Date(now),
    };
    await this.deps.store.putBan(ban);
    const at = new Date(now).toISOString();
    const reason = body.reason === undefined ? {} : { reason: body.reason };
    const seq = await this.append(
      until === null
        ? {
            channelId,
            kind: 'moderation',
            frame: { action: 'ban', userId: targetId },
            kafka: {
              topic: 'chat.moderation',
              type: 'ban',
              id: this.deps.newId(),
              data: { channelId, userId: targetId, moderatorId: actorId, at, ...reason },
            },
          }
        : {
            channelId,
            kind: 'moderation',
            frame: { action: 'timeout', userId: targetId, until: until.toISOString() },
            kafka: {
              topic: 'chat.moderation',
              type: 'timeout',
              id: this.deps.newId(),
              data: {
                channelId,
                userId: targetId,
                moderatorId: actorId,
                at,
                durationSeconds: duration.seconds,
                until: until.toISOString(),
                ...reason,
              },
            },
          },
    );
    return { ...banView(ban), seq };
  }

  /** Lifts a ban or timeout; idempotent (no event when there was none). */
  async unban(actorId: string, channelId: string, targetId: string): Promise<{ seq: number | null }> {
    const { channel, role } = await this.moderatorOf(channelId, actorId);
    this.checkTarget(actorId, role, targetId, await this.roleIn(channel, targetId));
    if (!(await this.deps.store.removeBan(channelId, targetId))) return { seq: null };
    const at = new Date(this.deps.now()).toISOString();
    const seq = await this.append({
      channelId,
      kind: 'moderation',
      frame: { action: 'unban', userId: targetId },
      kafka: {
        topic: 'chat.moderation',
        type: 'unban',
        id: this.deps.newId(),
        data: { channelId, userId: targetId, moderatorId: actorId, at },
      },
    });
    return { seq };
  }

  /** Deletes one message still in the channel's log; idempotent. */
  async deleteMessage(actorId: string, channelId: string, messageId: string): Promise<{ seq: number | null }> {
    const { channel, role } = await this.moderatorOf(channelId, actorId);
    const found = await this.deps.log.findMessage(channelId, messageId);
    if (!found) throw notFound('MESSAGE_NOT_FOUND', 'No message with this id is in the recent chat.');
    if (found.authorId !== actorId) {
      this.checkTarget(actorId, role, found.authorId, await this.roleIn(channel, found.authorId));
    }
    if (found.deleted) return { seq: null };
    const at = new Date(this.deps.now()).toISOString();
    const seq = await this.append({
      channelId,
      kind: 'deleted',
      frame: { messageId },
      kafka: {
        topic: 'chat.messages',
        type: 'chat.deleted',
        id: this.deps.newId(),
        data: { channelId, messageId, deletedBy: actorId, deletedAt: at },
      },
      messageId,
    });
    return { seq };
  }

  async clear(actorId: string, channelId: string): Promise<{ seq: number }> {
    await this.moderatorOf(channelId, actorId);
    const at = new Date(this.deps.now()).toISOString();
    const seq = await this.append({
      channelId,
      kind: 'cleared',
      frame: {},
      kafka: {
        topic: 'chat.messages',
        type: 'chat.cleared',
        id: this.deps.newId(),
        data: { channelId, clearedBy: actorId, clearedAt: at },
      },
    });
    return { seq };
  }

  async moderators(actorId: string, channelId: string) {
    await this.moderatorOf(channelId, actorId);
    const rows = await this.deps.store.listModerators(channelId);
    return { items: rows.map((m) => ({ userId: m.userId, appointedAt: m.appointedAt.toISOString() })) };
  }

  async appoint(actorId: string, channelId: string, userId: string): Promise<void> {
    const channel = await this.channel(channelId);
    if (actorId !== channel.ownerId) throw notTheOwner();
    if (userId === channel.ownerId) throw invalid('OWNER_IS_NOT_A_MODERATOR', 'The owner moderates already.');
    if (await this.deps.store.addModerator(channelId, userId)) await this.deps.rulesChanged(channelId);
  }

  async dismiss(actorId: string, channelId: string, userId: string): Promise<void> {
    const channel = await this.channel(channelId);
    if (actorId !== channel.ownerId) throw notTheOwner();
    if (await this.deps.store.removeModerator(channelId, userId)) await this.deps.rulesChanged(channelId);
  }

  async blockedTerms(actorId: string, channelId: string): Promise<{ terms: string[] }> {
    await this.moderatorOf(channelId, actorId);
    return { terms: (await this.deps.store.load(channelId)).terms };
  }

  async putBlockedTerms(actorId: string, channelId: string, input: string[]): Promise<{ terms: string[] }> {
    await this.moderatorOf(channelId, actorId);
    const checked = normalizeTerms(input);
    if (!checked.ok) throw invalid('INVALID_BLOCKED_TERMS', checked.detail);
    await this.deps.store.putTerms(channelId, checked.terms);
    await this.deps.rulesChanged(channelId);
    return { terms: checked.terms };
  }

  private checkTarget(actorId: string, role: ChatRole, targetId: string, targetRole: ChatRole): void {
    const check = checkTarget(actorId, role, targetId, targetRole);
    if (!check.ok) throw new DomainError(check.kind, check.code, check.detail);
  }
}

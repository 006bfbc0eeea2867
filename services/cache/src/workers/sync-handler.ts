import {
  type ChatJoin,
  type ChatLeave,
  type ChatPresenceSnapshot,
  type StreamEnded,
  type StreamStarted,
  Topics,
} from '@phzzk/contracts';
import type { BatchItem, EventOfTopics } from '@phzzk/kit';
import type { LiveCache, SyncBatch, SyncWriter } from '../domain/ports.ts';

/** What the sync consumer reads. */
export const syncTopics = [
  Topics.chatMessages,
  Topics.chatModeration,
  Topics.chatPresence,
  Topics.channelEvents,
] as const;
export const heartbeatTopics = [Topics.viewerHeartbeats] as const;

/**
 * The batch handler of chat.messages, chat.moderation, chat.presence and channel.events: first
 * PostgreSQL (one transaction, idempotent), then Redis from what PostgreSQL committed. The batch's
 * offsets are committed by the consumer only after both, so a crash anywhere replays the batch.
 */
export function syncHandler(deps: {
  writer: SyncWriter;
  cache: LiveCache;
  /** How long a chat node's join keeps the node alive without a snapshot. */
  presenceTtlMs: () => number;
}) {
  const applyPresence = async (e: ChatJoin | ChatLeave | ChatPresenceSnapshot) => {
    const { cache } = deps;
    if (e.type === 'presence.snapshot') await cache.presenceSnapshot(e.data);
    else if (e.type === 'join') {
      const d = e.data;
      await cache.presenceChange(d.channelId, 'join', d.node, d.member, Date.parse(d.at) + deps.presenceTtlMs());
    } else {
      const d = e.data;
      await cache.presenceChange(d.channelId, 'leave', d.node, { userId: d.userId, nickname: '', role: '' }, 0);
    }
  };
  return async (items: BatchItem<EventOfTopics<typeof syncTopics>>[]): Promise<void> => {
    const batch: SyncBatch = {
      started: [],
      ended: [],
      channels: [],
      messages: [],
      deleted: [],
      cleared: [],
      moderation: [],
      presence: [],
      peaks: new Map(),
    };
    const presence: (ChatJoin | ChatLeave | ChatPresenceSnapshot)[] = [];
    /** Live-state changes in the order they came, applied to Redis after PostgreSQL. */
    const streams: (StreamStarted | StreamEnded)[] = [];
    for (const { event } of items) {
      switch (event.type) {
        case 'stream.started':
          batch.started.push(event);
          streams.push(event);
          batch.channels.push(event.data.channelId);
          break;
        case 'stream.ended':
          batch.ended.push(event);
          streams.push(event);
          batch.channels.push(event.data.channelId);
          break;
        case 'channel.updated':
        case 'stream-key.rotated':
          batch.channels.push(event.data.channelId);
          break;
        case 'chat.message':
          batch.messages.push(event);
          break;
        case 'chat.deleted':
          batch.deleted.push(event);
          break;
        case 'chat.cleared':
          batch.cleared.push(event);
          break;
        case 'ban':
        case 'timeout':
        case 'unban':
        case 'settings':
          batch.moderation.push(event);
          break;
        case 'join':
        case 'leave':
          batch.presence.push(event);
          presence.push(event);
          break;
        case 'presence.snapshot':
          presence.push(event);
          break;
        default:
          // Every event type of the topics is placed above: a new one fails to compile here.
          event satisfies never;
      }
    }
    await Promise.all(
      batch.ended.map(async (e) =>
        batch.peaks.set(e.data.sessionId, await deps.cache.peakOf(e.data.channelId, e.data.sessionId)),
      ),
    );

    const { cache } = deps;
    // Chat activity (chatters, message rate) is keyed by message and user id, so recording it
    // twice changes nothing: it goes to Redis while PostgreSQL writes, not after.
    const activity = byChannel(batch.messages, (e) => e.data.channelId);
    const [result] = await Promise.all([
      deps.writer.write(batch),
      ...activity.map((list) =>
        cache.recordActivity(
          list[0]!.data.channelId,
          list.map(({ data }) => ({
            messageId: data.messageId,
            userId: data.user.id,
            sentAtMs: Date.parse(data.sentAt),
          })),
        ),
      ),
    ]);

    // Redis, from what PostgreSQL committed. Channels are independent, so their commands go out
    // together (one pipelined round trip per step, not one per channel); within a channel the
    // order stays: live state, appends, removals, then presence.
    await Promise.all(
      byChannel(streams, (e) => e.data.channelId).map(async (list) => {
        for (const e of list) {
          if (e.type === 'stream.started')
            await cache.streamStarted(e.data.channelId, e.data.sessionId, e.data.startedAt);
          else await cache.streamEnded(e.data.channelId, e.data.sessionId);
        }
      }),
    );
    await Promise.all([...result.served].map(([channelId, served]) => cache.append(channelId, served)));
    const clearedBefore = new Map<string, number>();
    for (const e of batch.cleared) {
      clearedBefore.set(e.data.channelId, Math.max(clearedBefore.get(e.data.channelId) ?? 0, e.data.seq));
    }
    await Promise.all(
      [...new Set([...result.removed.keys(), ...clearedBefore.keys()])].map((channelId) =>
        cache.remove(channelId, result.removed.get(channelId) ?? [], clearedBefore.get(channelId)),
      ),
    );
    await Promise.all(
      byChannel(presence, (e) => e.data.channelId).map(async (list) => {
        for (const e of list) await applyPresence(e);
      }),
    );
  };
}

/** Items grouped by channel, each group in consumption order. */
function byChannel<T>(items: T[], channelOf: (t: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const key = channelOf(item);
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
  return [...map.values()];
}

/** The batch handler of viewer.heartbeats: Redis only (a heartbeat is a fact for 45 s, not a record). */
export function heartbeatHandler(deps: { cache: LiveCache }) {
  return async (items: BatchItem<EventOfTopics<typeof heartbeatTopics>>[]): Promise<void> => {
    await deps.cache.recordHeartbeats(
      items.map(({ event: { data } }) => ({
        channelId: data.channelId,
        playerSessionId: data.playerSessionId,
        atMs: Date.parse(data.at),
      })),
    );
  };
}

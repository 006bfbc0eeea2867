import Type, { type Static } from 'typebox';
import { ChatMessageFields, ChatRole, ChatSeq, ChatSettingsValue } from '../chat/chat-model.ts';
import { envelope, IsoTime, Uuid } from './envelope.ts';

// Chat's events on Kafka (topics chat.messages, chat.moderation, chat.presence), keyed by
// channelId. Every channel event carries the channel's `seq`, the same number clients see on
// the WebSocket, so a consumer can order, deduplicate and page by it.

// ---- chat.messages ----

export const ChatMessage = envelope(
  'chat.message',
  Type.Object({ channelId: Uuid, ...ChatMessageFields }, { additionalProperties: false }),
);

export const ChatDeleted = envelope(
  'chat.deleted',
  Type.Object(
    { channelId: Uuid, seq: ChatSeq, messageId: Uuid, deletedBy: Uuid, deletedAt: IsoTime },
    { additionalProperties: false },
  ),
);

/** Every message up to this event's seq is cleared from view. */
export const ChatCleared = envelope(
  'chat.cleared',
  Type.Object({ channelId: Uuid, seq: ChatSeq, clearedBy: Uuid, clearedAt: IsoTime }, { additionalProperties: false }),
);

// ---- chat.moderation ----

const ModerationTarget = { channelId: Uuid, seq: ChatSeq, userId: Uuid, moderatorId: Uuid, at: IsoTime };
const Reason = Type.Optional(Type.String({ maxLength: 200 }));

export const ChatBan = envelope(
  'ban',
  Type.Object({ ...ModerationTarget, reason: Reason }, { additionalProperties: false }),
);
export const ChatTimeout = envelope(
  'timeout',
  Type.Object(
    {
      ...ModerationTarget,
      durationSeconds: Type.Integer({ minimum: 1, maximum: 1_209_600 }),
      until: IsoTime,
      reason: Reason,
    },
    { additionalProperties: false },
  ),
);
export const ChatUnban = envelope('unban', Type.Object(ModerationTarget, { additionalProperties: false }));
export const ChatSettings = envelope(
  'settings',
  Type.Object(
    { channelId: Uuid, seq: ChatSeq, moderatorId: Uuid, at: IsoTime, settings: ChatSettingsValue },
    { additionalProperties: false },
  ),
);

// ---- chat.presence ----
// Per chat node and channel: `join`/`leave` when a signed-in user's first connection opens or
// last one closes on that node, and every 15 s a `presence.snapshot` with the node's whole member
// list and its anonymous readers. A node whose snapshots stop has left (its members expire).

const PresenceMember = Type.Object(
  { userId: Uuid, nickname: Type.String({ minLength: 1, maxLength: 64 }), role: ChatRole },
  { additionalProperties: false },
);
export type PresenceMember = Static<typeof PresenceMember>;

export const ChatJoin = envelope(
  'join',
  Type.Object(
    { channelId: Uuid, node: Type.String({ minLength: 1, maxLength: 128 }), member: PresenceMember, at: IsoTime },
    { additionalProperties: false },
  ),
);
export const ChatLeave = envelope(
  'leave',
  Type.Object(
    { channelId: Uuid, node: Type.String({ minLength: 1, maxLength: 128 }), userId: Uuid, at: IsoTime },
    { additionalProperties: false },
  ),
);
export const ChatPresenceSnapshot = envelope(
  'presence.snapshot',
  Type.Object(
    {
      channelId: Uuid,
      node: Type.String({ minLength: 1, maxLength: 128 }),
      members: Type.Array(PresenceMember, { maxItems: 100_000 }),
      anonymous: Type.Integer({ minimum: 0 }),
      /** How long the snapshot holds: members not in a newer one by then have left. */
      ttlSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
      at: IsoTime,
    },
    { additionalProperties: false },
  ),
);

export type ChatMessage = Static<typeof ChatMessage>;
export type ChatDeleted = Static<typeof ChatDeleted>;
export type ChatCleared = Static<typeof ChatCleared>;
export type ChatBan = Static<typeof ChatBan>;
export type ChatTimeout = Static<typeof ChatTimeout>;
export type ChatUnban = Static<typeof ChatUnban>;
export type ChatSettings = Static<typeof ChatSettings>;
export type ChatJoin = Static<typeof ChatJoin>;
export type ChatLeave = Static<typeof ChatLeave>;
export type ChatPresenceSnapshot = Static<typeof ChatPresenceSnapshot>;

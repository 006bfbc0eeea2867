import Type, { type Static } from 'typebox';
import { envelope, IsoTime, Uuid } from './envelope.ts';

const Nickname = Type.String({ minLength: 2, maxLength: 20 });

export const ChatMessage = envelope(
  'chat.message',
  Type.Object(
    {
      messageId: Uuid,
      channelId: Uuid,
      userId: Uuid,
      nickname: Nickname,
      text: Type.String({ minLength: 1, maxLength: 500 }),
      sentAt: IsoTime,
    },
    { additionalProperties: false },
  ),
);

export const ChatDeleted = envelope(
  'chat.deleted',
  Type.Object({ messageId: Uuid, channelId: Uuid, deletedBy: Uuid }, { additionalProperties: false }),
);

const ModerationTarget = { channelId: Uuid, userId: Uuid, moderatorId: Uuid };

export const ChatBan = envelope(
  'ban',
  Type.Object(
    { ...ModerationTarget, reason: Type.Optional(Type.String({ maxLength: 200 })) },
    { additionalProperties: false },
  ),
);
export const ChatTimeout = envelope(
  'timeout',
  Type.Object(
    {
      ...ModerationTarget,
      durationSeconds: Type.Integer({ minimum: 1, maximum: 1_209_600 }),
      reason: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
);
export const ChatUnban = envelope('unban', Type.Object(ModerationTarget, { additionalProperties: false }));
export const ChatSettings = envelope(
  'settings',
  Type.Object(
    {
      channelId: Uuid,
      moderatorId: Uuid,
      slowModeSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
      followersOnly: Type.Boolean(),
      emoteOnly: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
);

const Presence = {
  channelId: Uuid,
  connectionId: Uuid,
  userId: Type.Union([Uuid, Type.Null()]),
  node: Type.String({ minLength: 1, maxLength: 128 }),
};
export const ChatJoin = envelope('join', Type.Object(Presence, { additionalProperties: false }));
export const ChatLeave = envelope('leave', Type.Object(Presence, { additionalProperties: false }));

export type ChatMessage = Static<typeof ChatMessage>;
export type ChatDeleted = Static<typeof ChatDeleted>;
export type ChatBan = Static<typeof ChatBan>;
export type ChatTimeout = Static<typeof ChatTimeout>;
export type ChatUnban = Static<typeof ChatUnban>;
export type ChatSettings = Static<typeof ChatSettings>;
export type ChatJoin = Static<typeof ChatJoin>;
export type ChatLeave = Static<typeof ChatLeave>;

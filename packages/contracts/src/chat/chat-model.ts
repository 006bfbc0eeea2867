import Type, { type Static } from 'typebox';
import { IsoTime, Uuid } from '../events/envelope.ts';

// What a chat message, a chat user and a channel's chat settings are, shared by the WebSocket
// protocol (`phzzk.chat.v1`), the chat events on Kafka and the caching service's history API.

/** Longest message, in Unicode code points after trimming. */
export const CHAT_MESSAGE_MAX_CODE_POINTS = 500;
/** Slow-mode intervals a channel may choose (as CHZZK offers). */
export const SLOW_MODE_SECONDS = [0, 3, 5, 10, 30, 60, 120, 300] as const;

export const ChatRole = Type.Union([Type.Literal('owner'), Type.Literal('moderator'), Type.Literal('viewer')]);
export type ChatRole = Static<typeof ChatRole>;

export const ChatUser = Type.Object(
  {
    id: Uuid,
    nickname: Type.String({ minLength: 1, maxLength: 64 }),
    role: ChatRole,
  },
  { additionalProperties: false },
);
export type ChatUser = Static<typeof ChatUser>;

export const ChatSettingsValue = Type.Object(
  {
    slowModeSeconds: Type.Union([
      Type.Literal(0),
      Type.Literal(3),
      Type.Literal(5),
      Type.Literal(10),
      Type.Literal(30),
      Type.Literal(60),
      Type.Literal(120),
      Type.Literal(300),
    ]),
    /** null: off; a number: only followers of at least that many minutes may send. */
    followersOnlyMinutes: Type.Union([Type.Integer({ minimum: 0, maximum: 525_600 }), Type.Null()]),
    /** Only emoji and whitespace. */
    emoteOnly: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ChatSettingsValue = Static<typeof ChatSettingsValue>;

export const DEFAULT_CHAT_SETTINGS: ChatSettingsValue = {
  slowModeSeconds: 0,
  followersOnlyMinutes: null,
  emoteOnly: false,
};

/** Text as stored and shown: already trimmed and cleaned by chat, 1-500 code points. */
export const ChatText = Type.String({ minLength: 1, maxLength: CHAT_MESSAGE_MAX_CODE_POINTS * 2 });

/** A channel's event sequence number: 1, 2, 3, ... per channel, no gaps. */
export const ChatSeq = Type.Integer({ minimum: 1 });

/** What one chat message is, wherever it travels (history, the live frame, the event). */
export const ChatMessageFields = {
  seq: ChatSeq,
  messageId: Uuid,
  user: ChatUser,
  text: ChatText,
  sentAt: IsoTime,
};

/** One chat message as history serves it (`GET /api/chat/{channelId}/messages`). */
export const ChatMessageView = Type.Object(ChatMessageFields, { additionalProperties: false });
export type ChatMessageView = Static<typeof ChatMessageView>;

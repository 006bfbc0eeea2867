import Type, { type Static } from 'typebox';
import { IsoTime, Uuid } from '../events/envelope.ts';
import { ChatMessageFields, ChatSeq, ChatSettingsValue, ChatUser } from './chat-model.ts';

// The WebSocket protocol `phzzk.chat.v1` (ARCHITECTURE.md, "Chat over WebSocket"): JSON text
// frames, one object each, discriminated by `type`. Independent clients are written against this.

export const CHAT_SUBPROTOCOL = 'phzzk.chat.v1';
/** A browser offers its access token as a second subprotocol: `phzzk.bearer.<accessToken>`. */
export const CHAT_BEARER_SUBPROTOCOL_PREFIX = 'phzzk.bearer.';
/** Largest client frame, in bytes; a larger one gets MALFORMED_FRAME. */
export const CHAT_MAX_CLIENT_FRAME_BYTES = 4096;
/** Messages `welcome` carries at most when not resuming. */
export const CHAT_WELCOME_HISTORY_MESSAGES = 50;

// ---- client to server ----

export const SendFrame = Type.Object(
  {
    type: Type.Literal('send'),
    text: Type.String({ maxLength: 4096 }),
    nonce: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
export const PingFrame = Type.Object({ type: Type.Literal('ping') }, { additionalProperties: false });
export const ChatClientFrame = Type.Union([SendFrame, PingFrame]);
export type SendFrame = Static<typeof SendFrame>;
export type ChatClientFrame = Static<typeof ChatClientFrame>;

// ---- channel events (each with the channel's seq) ----

export const MessageEventFrame = Type.Object(
  { type: Type.Literal('message'), ...ChatMessageFields },
  { additionalProperties: false },
);
export const DeletedEventFrame = Type.Object(
  { type: Type.Literal('deleted'), seq: ChatSeq, messageId: Uuid },
  { additionalProperties: false },
);
export const ClearedEventFrame = Type.Object(
  { type: Type.Literal('cleared'), seq: ChatSeq },
  { additionalProperties: false },
);
export const SettingsEventFrame = Type.Object(
  { type: Type.Literal('settings'), seq: ChatSeq, settings: ChatSettingsValue },
  { additionalProperties: false },
);
export const ModerationEventFrame = Type.Object(
  {
    type: Type.Literal('moderation'),
    seq: ChatSeq,
    action: Type.Union([Type.Literal('ban'), Type.Literal('timeout'), Type.Literal('unban')]),
    userId: Uuid,
    /** Set for a timeout: when it ends. */
    until: Type.Optional(IsoTime),
  },
  { additionalProperties: false },
);
export const ChatChannelEvent = Type.Union([
  MessageEventFrame,
  DeletedEventFrame,
  ClearedEventFrame,
  SettingsEventFrame,
  ModerationEventFrame,
]);
export type MessageEventFrame = Static<typeof MessageEventFrame>;
export type ChatChannelEvent = Static<typeof ChatChannelEvent>;

// ---- server to client ----

export const WelcomeFrame = Type.Object(
  {
    type: Type.Literal('welcome'),
    channelId: Uuid,
    connectionId: Uuid,
    user: Type.Union([ChatUser, Type.Null()]),
    settings: ChatSettingsValue,
    /** The channel's last seq (0 before its first event); `history` holds events with seq ≤ it. */
    seq: Type.Integer({ minimum: 0 }),
    history: Type.Array(ChatChannelEvent),
    /** Set when `?since=` asked for events no longer kept: the client starts over from `history`. */
    reset: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export const AckFrame = Type.Object(
  { type: Type.Literal('ack'), nonce: Type.String(), messageId: Uuid, seq: ChatSeq },
  { additionalProperties: false },
);

export const CHAT_ERROR_CODES = [
  'UNAUTHENTICATED',
  'BANNED',
  'TIMED_OUT',
  'SLOW_MODE',
  'FOLLOWERS_ONLY',
  'EMOTE_ONLY',
  'RATE_LIMITED',
  'MESSAGE_TOO_LONG',
  'EMPTY_MESSAGE',
  'BLOCKED_TERM',
  'MALFORMED_FRAME',
  'UNAVAILABLE',
] as const;
export type ChatErrorCode = (typeof CHAT_ERROR_CODES)[number];

export const ErrorFrame = Type.Object(
  {
    type: Type.Literal('error'),
    nonce: Type.Optional(Type.String()),
    code: Type.Union(CHAT_ERROR_CODES.map((c) => Type.Literal(c))),
    message: Type.String(),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export const PongFrame = Type.Object({ type: Type.Literal('pong') }, { additionalProperties: false });

export const ChatServerFrame = Type.Union([WelcomeFrame, AckFrame, ErrorFrame, PongFrame, ...ChatChannelEvent.anyOf]);
export type WelcomeFrame = Static<typeof WelcomeFrame>;
export type AckFrame = Static<typeof AckFrame>;
export type ErrorFrame = Static<typeof ErrorFrame>;
export type ChatServerFrame = Static<typeof ChatServerFrame>;

/** WebSocket close codes chat uses beyond the standard ones. */
export const ChatCloseCode = {
  /** Repeated malformed frames or abuse (RFC 6455 policy violation). */
  policyViolation: 1008,
  /** The client did not read fast enough; it may reconnect with `?since=`. */
  tryAgainLater: 1013,
  /** The node is shutting down; reconnect (through the gateway) with `?since=`. */
  goingAway: 1001,
} as const;

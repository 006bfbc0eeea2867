import Type, { type Static } from 'typebox';
import { ChatMessageView, ChatRole } from '../chat/chat-model.ts';
import { IsoTime, Uuid } from '../events/envelope.ts';

// The caching service's HTTP API: chat history, replay and participants under /api/chat/{channelId}/,
// broadcast statistics and player heartbeats under /api/stats/ (through the gateway).

export const ChatChannelParams = Type.Object({ channelId: Uuid }, { additionalProperties: false });

/** `GET /api/chat/{channelId}/messages?before=&limit=`: messages with seq < before (default: the newest). */
export const ChatHistoryQuery = Type.Object(
  {
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type ChatHistoryQuery = Static<typeof ChatHistoryQuery>;

/** Oldest first, newest last; pass `nextBefore` as `before` for the page before; null at the start. */
export const ChatHistoryPage = Type.Object(
  { items: Type.Array(ChatMessageView), nextBefore: Type.Union([Type.Integer(), Type.Null()]) },
  { additionalProperties: false },
);
export type ChatHistoryPage = Static<typeof ChatHistoryPage>;

/** `GET /api/chat/{channelId}/replay?sessionId=&fromSeconds=&toSeconds=`. */
export const ChatReplayQuery = Type.Object(
  {
    sessionId: Uuid,
    fromSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 31_536_000, default: 0 })),
    toSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 31_536_000 })),
  },
  { additionalProperties: false },
);
export type ChatReplayQuery = Static<typeof ChatReplayQuery>;

export const ChatReplayItem = Type.Object(
  { ...ChatMessageView.properties, offsetSeconds: Type.Number({ minimum: 0 }) },
  { additionalProperties: false },
);
export type ChatReplayItem = Static<typeof ChatReplayItem>;

/** At most 1000 messages; `nextFromSeconds` continues when there were more in the window. */
export const ChatReplayPage = Type.Object(
  {
    sessionId: Uuid,
    startedAt: IsoTime,
    endedAt: Type.Union([IsoTime, Type.Null()]),
    items: Type.Array(ChatReplayItem),
    nextFromSeconds: Type.Union([Type.Number(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type ChatReplayPage = Static<typeof ChatReplayPage>;

export const ParticipantsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) },
  { additionalProperties: false },
);

export const Participant = Type.Object(
  { id: Uuid, nickname: Type.String(), role: ChatRole },
  { additionalProperties: false },
);
export type Participant = Static<typeof Participant>;

/** Owner, then moderators, then viewers, each by nickname; `users` holds at most `limit` of `signedIn`. */
export const ChatParticipants = Type.Object(
  {
    channelId: Uuid,
    users: Type.Array(Participant),
    signedIn: Type.Integer({ minimum: 0 }),
    anonymous: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ChatParticipants = Static<typeof ChatParticipants>;

/** `POST /api/stats/heartbeat`: a player, every 15 s, signed in or not. */
export const HeartbeatRequest = Type.Object(
  {
    channelId: Uuid,
    playerSessionId: Uuid,
    rendition: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' })),
    latencySeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 3600 })),
  },
  { additionalProperties: false },
);
export type HeartbeatRequest = Static<typeof HeartbeatRequest>;

export const HeartbeatAccepted = Type.Object({ nextHeartbeatSeconds: Type.Integer() }, { additionalProperties: false });

/** `GET /api/stats/channels/{channelId}`: now, from Redis. */
export const ChannelStats = Type.Object(
  {
    live: Type.Boolean(),
    viewers: Type.Integer({ minimum: 0 }),
    peakViewers: Type.Integer({ minimum: 0 }),
    chatters: Type.Integer({ minimum: 0 }),
    messagesPerMinute: Type.Integer({ minimum: 0 }),
    startedAt: Type.Union([IsoTime, Type.Null()]),
  },
  { additionalProperties: false },
);
export type ChannelStats = Static<typeof ChannelStats>;

export const SessionParams = Type.Object({ channelId: Uuid, sessionId: Uuid }, { additionalProperties: false });

export const StatsSample = Type.Object(
  {
    minute: IsoTime,
    viewers: Type.Integer({ minimum: 0 }),
    chatters: Type.Integer({ minimum: 0 }),
    messages: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type StatsSample = Static<typeof StatsSample>;

/** `GET /api/stats/channels/{channelId}/sessions/{sessionId}`: one sample per minute, oldest first. */
export const SessionStats = Type.Object(
  {
    sessionId: Uuid,
    channelId: Uuid,
    startedAt: IsoTime,
    endedAt: Type.Union([IsoTime, Type.Null()]),
    peakViewers: Type.Integer({ minimum: 0 }),
    samples: Type.Array(StatsSample),
  },
  { additionalProperties: false },
);
export type SessionStats = Static<typeof SessionStats>;

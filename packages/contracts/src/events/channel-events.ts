import Type, { type Static } from 'typebox';
import { envelope, IsoTime, Uuid } from './envelope.ts';

const VideoTrack = Type.Object(
  {
    codec: Type.String({ minLength: 1, maxLength: 32 }),
    width: Type.Integer({ minimum: 1, maximum: 16384 }),
    height: Type.Integer({ minimum: 1, maximum: 16384 }),
    fps: Type.Number({ minimum: 0, maximum: 1000 }),
  },
  { additionalProperties: false },
);

const AudioTrack = Type.Object(
  {
    codec: Type.String({ minLength: 1, maxLength: 32 }),
    sampleRate: Type.Integer({ minimum: 1, maximum: 768000 }),
    channels: Type.Integer({ minimum: 1, maximum: 64 }),
  },
  { additionalProperties: false },
);

export const StreamStarted = envelope(
  'stream.started',
  Type.Object(
    {
      sessionId: Uuid,
      channelId: Uuid,
      ingestNode: Type.String({ minLength: 1, maxLength: 128 }),
      sourceUrl: Type.String({ format: 'uri', maxLength: 2048 }),
      video: Type.Union([VideoTrack, Type.Null()]),
      audio: Type.Union([AudioTrack, Type.Null()]),
      bitrateKbps: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
      startedAt: IsoTime,
    },
    { additionalProperties: false },
  ),
);

export const StreamEnded = envelope(
  'stream.ended',
  Type.Object(
    {
      sessionId: Uuid,
      channelId: Uuid,
      endedAt: IsoTime,
      reason: Type.Union([
        Type.Literal('unpublish'),
        Type.Literal('disconnect'),
        Type.Literal('timeout'),
        Type.Literal('key-rotated'),
        Type.Literal('error'),
      ]),
    },
    { additionalProperties: false },
  ),
);

export const ChannelUpdated = envelope(
  'channel.updated',
  Type.Object(
    {
      channelId: Uuid,
      title: Type.String({ maxLength: 140 }),
      category: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
      tags: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 10 }),
    },
    { additionalProperties: false },
  ),
);

/**
 * A channel's stream key was rotated: the old key stops working at once, and every ingest node
 * ends a live session that was published with it. (Not in ARCHITECTURE.md's first list of
 * channel.events; added so that rotation reaches the ingest node holding the session.)
 */
export const StreamKeyRotated = envelope(
  'stream-key.rotated',
  Type.Object({ channelId: Uuid, rotatedAt: IsoTime }, { additionalProperties: false }),
);

export type StreamStarted = Static<typeof StreamStarted>;
export type StreamKeyRotated = Static<typeof StreamKeyRotated>;
export type StreamEnded = Static<typeof StreamEnded>;
export type ChannelUpdated = Static<typeof ChannelUpdated>;

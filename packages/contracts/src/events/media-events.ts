import Type, { type Static } from 'typebox';
import { envelope, IsoTime, Uuid } from './envelope.ts';

export const ViewerHeartbeat = envelope(
  'viewer.heartbeat',
  Type.Object(
    {
      channelId: Uuid,
      playerSessionId: Uuid,
      userId: Type.Union([Uuid, Type.Null()]),
      rendition: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]),
      latencySeconds: Type.Union([Type.Number({ minimum: 0, maximum: 3600 }), Type.Null()]),
      at: IsoTime,
    },
    { additionalProperties: false },
  ),
);

export const VodReady = envelope(
  'vod.ready',
  Type.Object(
    {
      vodId: Uuid,
      channelId: Uuid,
      sessionId: Uuid,
      durationSeconds: Type.Number({ minimum: 0 }),
      playlistUrl: Type.String({ minLength: 1, maxLength: 2048 }),
      thumbnailUrl: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const VodDeleted = envelope(
  'vod.deleted',
  Type.Object({ vodId: Uuid, channelId: Uuid, sessionId: Uuid, deletedAt: IsoTime }, { additionalProperties: false }),
);

export const ConfigChanged = envelope(
  'config.changed',
  Type.Object(
    {
      application: Type.String({ minLength: 1, maxLength: 128 }),
      version: Type.String({ minLength: 1, maxLength: 64 }),
      changedFiles: Type.Array(Type.String({ maxLength: 512 }), { maxItems: 1000 }),
    },
    { additionalProperties: false },
  ),
);

export type ViewerHeartbeat = Static<typeof ViewerHeartbeat>;
export type VodReady = Static<typeof VodReady>;
export type VodDeleted = Static<typeof VodDeleted>;
export type ConfigChanged = Static<typeof ConfigChanged>;

import Type, { type Static } from 'typebox';
import { IsoTime, Uuid } from '../events/envelope.ts';

// The packager's HTTP API (`/api/vods/**`, `/api/clips/**` through the gateway). Media URLs are
// paths below the gateway (`/vod/{id}/master.m3u8`, `/vod/clips/{id}/clip.mp4`).

const SINGLE_LINE = '^[^\\u0000-\\u001F\\u007F]*$';

export const VodTitleField = Type.String({ minLength: 1, maxLength: 140, pattern: SINGLE_LINE });
/** public: listed on the channel; unlisted: plays by its URL, listed only to the channel owner. */
export const VodVisibility = Type.Union([Type.Literal('public'), Type.Literal('unlisted')]);
export type VodVisibility = Static<typeof VodVisibility>;
/** recording: growing with the live broadcast (EVENT playlists); ready: final; failed: no media. */
export const VodStatus = Type.Union([Type.Literal('recording'), Type.Literal('ready'), Type.Literal('failed')]);
export type VodStatus = Static<typeof VodStatus>;

export const Vod = Type.Object(
  {
    id: Uuid,
    channelId: Uuid,
    sessionId: Uuid,
    title: Type.String(),
    visibility: VodVisibility,
    status: VodStatus,
    startedAt: IsoTime,
    /** When the broadcast ended; null while recording. */
    endedAt: Type.Union([IsoTime, Type.Null()]),
    /** Media duration so far (recording) or in total (ready). */
    durationSeconds: Type.Number({ minimum: 0 }),
    playlistUrl: Type.String(),
    thumbnailUrl: Type.Union([Type.String(), Type.Null()]),
    /** WebVTT seek previews (`#xywh=` sprite tiles); null until the first sheet exists. */
    storyboardUrl: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Vod = Static<typeof Vod>;

export const VodPage = Type.Object(
  { items: Type.Array(Vod), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);
export type VodPage = Static<typeof VodPage>;

const PageQuery = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

export const VodListQuery = Type.Object({ channelId: Uuid, ...PageQuery }, { additionalProperties: false });
export type VodListQuery = Static<typeof VodListQuery>;

export const PatchVodRequest = Type.Object(
  { title: Type.Optional(VodTitleField), visibility: Type.Optional(VodVisibility) },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchVodRequest = Static<typeof PatchVodRequest>;

export const CLIP_MIN_SECONDS = 5;
export const CLIP_MAX_SECONDS = 60;
const ClipDuration = Type.Number({ minimum: CLIP_MIN_SECONDS, maximum: CLIP_MAX_SECONDS });

/** The last `durationSeconds` of a channel's live broadcast. */
export const CreateLiveClipRequest = Type.Object(
  { channelId: Uuid, durationSeconds: ClipDuration, title: Type.Optional(VodTitleField) },
  { additionalProperties: false },
);
/** `durationSeconds` of a VOD (recording or ready) from `startSeconds`. */
export const CreateVodClipRequest = Type.Object(
  {
    vodId: Uuid,
    startSeconds: Type.Number({ minimum: 0, maximum: 1e7 }),
    durationSeconds: ClipDuration,
    title: Type.Optional(VodTitleField),
  },
  { additionalProperties: false },
);
export const CreateClipRequest = Type.Union([CreateLiveClipRequest, CreateVodClipRequest]);
export type CreateClipRequest = Static<typeof CreateClipRequest>;

export const Clip = Type.Object(
  {
    id: Uuid,
    channelId: Uuid,
    /** The VOD it was cut from (null once that VOD is deleted: the clip keeps its own media). */
    vodId: Type.Union([Uuid, Type.Null()]),
    sessionId: Uuid,
    title: Type.String(),
    createdBy: Uuid,
    createdAt: IsoTime,
    /** Position in the VOD where the clip starts (segment-accurate, so it may start a little earlier). */
    startSeconds: Type.Number({ minimum: 0 }),
    durationSeconds: Type.Number({ minimum: 0 }),
    playlistUrl: Type.String(),
    mp4Url: Type.String(),
    thumbnailUrl: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Clip = Static<typeof Clip>;

export const ClipPage = Type.Object(
  { items: Type.Array(Clip), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);
export type ClipPage = Static<typeof ClipPage>;

export const ClipListQuery = Type.Object({ channelId: Uuid, ...PageQuery }, { additionalProperties: false });
export type ClipListQuery = Static<typeof ClipListQuery>;

import Type, { type Static } from 'typebox';
import { IsoTime, Uuid } from '../events/envelope.ts';
import { Page, PageQueryWith } from './common-dto.ts';

// The channel service's HTTP API (`/api/channels/**` through the gateway, `/internal/**` for ingest).

// Single-line fields refuse control characters; the description may hold tabs and line breaks.
const SINGLE_LINE = '^[^\\u0000-\\u001F\\u007F]*$';
const MULTI_LINE = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';

export const ChannelTitleField = Type.String({ minLength: 1, maxLength: 140, pattern: SINGLE_LINE });
export const ChannelCategoryField = Type.String({ minLength: 1, maxLength: 64, pattern: SINGLE_LINE });
export const ChannelTagField = Type.String({ minLength: 1, maxLength: 32, pattern: SINGLE_LINE });
export const ChannelTagsField = Type.Array(ChannelTagField, { maxItems: 10 });
export const ChannelDescriptionField = Type.String({ maxLength: 2000, pattern: MULTI_LINE });

/** One rung of the ABR ladder as a player needs it (see `renditionsFor` in @phzzk/media/ladder). */
export const LiveRendition = Type.Object(
  { name: Type.String(), width: Type.Integer(), height: Type.Integer() },
  { additionalProperties: false },
);
export type LiveRendition = Static<typeof LiveRendition>;

/** `GET /api/channels/{id}/live`; every field but `live` is null (renditions empty) when offline. */
export const LiveInfo = Type.Object(
  {
    live: Type.Boolean(),
    sessionId: Type.Union([Uuid, Type.Null()]),
    startedAt: Type.Union([IsoTime, Type.Null()]),
    hlsUrl: Type.Union([Type.String(), Type.Null()]),
    /** Empty for an audio-only stream. */
    renditions: Type.Array(LiveRendition),
    /** Concurrent viewers as the caching service counts them from player heartbeats; 0 when offline. */
    viewers: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type LiveInfo = Static<typeof LiveInfo>;

/** What every view of a channel shows. */
const ChannelBasics = {
  id: Uuid,
  ownerId: Uuid,
  ownerNickname: Type.String(),
  title: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
};

export const Channel = Type.Object(
  {
    ...ChannelBasics,
    description: Type.String(),
    followerCount: Type.Integer({ minimum: 0 }),
    /** Whether the signed-in caller follows this channel; null for anonymous callers and the owner. */
    following: Type.Union([Type.Boolean(), Type.Null()]),
    live: LiveInfo,
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type Channel = Static<typeof Channel>;

/** A channel as the directory lists it. */
export const ChannelSummary = Type.Object(
  {
    ...ChannelBasics,
    live: LiveInfo,
  },
  { additionalProperties: false },
);
export type ChannelSummary = Static<typeof ChannelSummary>;

/**
 * `GET /api/channels`: `live=true` lists live channels by viewers then start time (newest first),
 * `live=false` offline ones, no `live` every channel (newest first). `followed=true` keeps only the
 * channels the caller follows (signed in only: 401 otherwise), in the same order; `followed=false`
 * or none: no such filter. Pass `nextCursor` back as `cursor` for the next page; it is null on the
 * last page.
 */
export const ChannelListQuery = PageQueryWith({
  live: Type.Optional(Type.Boolean()),
  followed: Type.Optional(Type.Boolean()),
});
export type ChannelListQuery = Static<typeof ChannelListQuery>;

export const ChannelPage = Page(ChannelSummary);
export type ChannelPage = Static<typeof ChannelPage>;

/** `PATCH /api/channels/me`: at least one field; `category: null` clears the category. */
export const UpdateChannelRequest = Type.Object(
  {
    title: Type.Optional(ChannelTitleField),
    category: Type.Optional(Type.Union([ChannelCategoryField, Type.Null()])),
    tags: Type.Optional(ChannelTagsField),
    description: Type.Optional(ChannelDescriptionField),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateChannelRequest = Static<typeof UpdateChannelRequest>;

/** `GET /api/channels/me/stream-key` and `POST .../rotate`: shown to the owner only, never cached. */
export const StreamKeyResponse = Type.Object(
  { streamKey: Type.String(), ingestUrl: Type.String() },
  { additionalProperties: false },
);
export type StreamKeyResponse = Static<typeof StreamKeyResponse>;

/** `PUT|DELETE /api/channels/{id}/follow`. */
export const FollowState = Type.Object(
  { channelId: Uuid, following: Type.Boolean(), followerCount: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type FollowState = Static<typeof FollowState>;

/**
 * `POST /internal/stream-keys/authorize` (ingest -> channel): 200 with the channel when the key is
 * the channel's current key, 404 `STREAM_KEY_UNKNOWN` otherwise (unknown and rotated alike).
 */
export const AuthorizeStreamKeyRequest = Type.Object(
  { streamKey: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);
export type AuthorizeStreamKeyRequest = Static<typeof AuthorizeStreamKeyRequest>;

export const AuthorizeStreamKeyResponse = Type.Object({ channelId: Uuid }, { additionalProperties: false });
export type AuthorizeStreamKeyResponse = Static<typeof AuthorizeStreamKeyResponse>;

/**
 * `GET /internal/channels/{channelId}/follows/{userId}` (chat -> channel): whether the user
 * follows the channel and since when (`since` null when not following); 404 CHANNEL_NOT_FOUND.
 */
export const FollowSince = Type.Object(
  { channelId: Uuid, userId: Uuid, following: Type.Boolean(), since: Type.Union([IsoTime, Type.Null()]) },
  { additionalProperties: false },
);
export type FollowSince = Static<typeof FollowSince>;

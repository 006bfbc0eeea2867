import type { ChannelProfile } from '../domain/channel.ts';
import type { LiveSessionFacts } from '../domain/live-info.ts';
import type { DirectoryRow } from '../domain/ports.ts';

/** The live session of a channel, when it has one: started and not ended. */
export const IS_LIVE = 's.started_at is not null and s.ended_at is null';

/** A channel row joined with its live session (`s`, when live). */
export const CHANNEL_COLUMNS = `c.id, c.owner_id, c.owner_nickname, c.title, c.category, c.tags, c.description,
  c.follower_count, c.created_at, c.updated_at,
  s.id as session_id, s.started_at, s.video, s.bitrate_kbps, s.viewers`;

export const CHANNEL_WITH_LIVE = `channels c left join live_sessions s on s.channel_id = c.id and ${IS_LIVE}`;

export type ChannelRow = {
  id: string;
  owner_id: string;
  owner_nickname: string;
  title: string;
  category: string | null;
  tags: string[];
  description: string;
  follower_count: number;
  created_at: Date;
  updated_at: Date;
  session_id: string | null;
  started_at: Date | null;
  video: { width: number; height: number } | null;
  bitrate_kbps: number | null;
  viewers: number | null;
};

export const toChannel = (
  r: Omit<ChannelRow, 'session_id' | 'started_at' | 'video' | 'bitrate_kbps' | 'viewers'>,
): ChannelProfile => ({
  id: r.id,
  ownerId: r.owner_id,
  ownerNickname: r.owner_nickname,
  title: r.title,
  category: r.category,
  tags: r.tags,
  description: r.description,
  followerCount: r.follower_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toLiveSession = (r: ChannelRow): LiveSessionFacts | undefined =>
  r.session_id && r.started_at
    ? {
        id: r.session_id,
        startedAt: r.started_at,
        video: r.video ? { width: r.video.width, height: r.video.height } : null,
        bitrateKbps: r.bitrate_kbps,
      }
    : undefined;

export const toRecord = (r: ChannelRow): DirectoryRow => ({
  channel: toChannel(r),
  live: toLiveSession(r),
  viewers: r.viewers ?? 0,
});

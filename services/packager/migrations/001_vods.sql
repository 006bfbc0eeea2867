-- The outbox table moved to kit's outbox migration (created if not exists, before this file).
-- replaces-checksum 0ba0e2aa2a9c9acd536bf2917af565ddb17f7fa086ed1018bf249ca35f826678
-- One VOD per live session, from stream.started. Its media stays where the transcoder wrote it
-- (sessions/<session_id>/ in shared storage); playlists are rendered from the segment index.
-- ended_at set while status is still 'recording': the broadcast ended and the VOD waits to be
-- finalized (by whichever instance gets there first).
create table vods (
  id uuid primary key,
  channel_id uuid not null,
  session_id uuid not null unique,
  title text not null,
  visibility text not null default 'public',
  status text not null default 'recording',
  started_at timestamptz not null,
  ended_at timestamptz,
  ready_at timestamptz,
  duration_seconds double precision not null default 0,
  -- The frame shown for the VOD (epoch ms of a file in the session's thumbnails/); null: none yet.
  thumbnail_ms bigint,
  -- Storyboard tiles built so far (sheets of up to 121); finished once the VOD is final.
  storyboard_tiles integer not null default 0,
  storyboard_done boolean not null default false,
  -- The instance building the storyboard, while its lease lasts.
  storyboard_worker text,
  storyboard_lease_until timestamptz,
  created_at timestamptz not null default now(),
  constraint vods_visibility check (visibility in ('public', 'unlisted')),
  constraint vods_status check (status in ('recording', 'ready', 'failed')),
  constraint vods_title_length check (char_length(title) between 1 and 140)
);
create index vods_channel on vods (channel_id, started_at desc, id desc);
create index vods_ending on vods (ended_at) where status = 'recording' and ended_at is not null;
create index vods_storyboard on vods (id) where storyboard_done = false;
create index vods_ready_at on vods (ready_at) where status <> 'recording';

-- Channel facts the packager needs: the owner (asked once from the channel service, it never
-- changes) and the title from channel.updated (a new VOD's default title).
create table channels (
  channel_id uuid primary key,
  owner_id uuid,
  title text,
  updated_at timestamptz not null default now()
);

-- Clips own their media (hard links to the VOD's segments under clips/<id>/), so they outlive it.
create table clips (
  id uuid primary key,
  channel_id uuid not null,
  vod_id uuid,
  session_id uuid not null,
  title text not null,
  created_by uuid not null,
  start_seconds double precision not null,
  duration_seconds double precision not null,
  created_at timestamptz not null default now()
);
create index clips_channel on clips (channel_id, created_at desc, id desc);

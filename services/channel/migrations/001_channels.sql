-- The outbox table moved to kit's outbox migration (created if not exists, before this file).
-- replaces-checksum 8adc996cb0fa86e1e00d9aee3bcd5d6087170491892f03930d658127b3ec092f
-- One channel per user, created from user.registered. The owner's nickname is a copy kept for the
-- directory (updated from user.updated), so listing channels never calls the user service.
create table channels (
  id uuid primary key,
  owner_id uuid not null unique,
  owner_nickname text not null,
  title text not null,
  category text,
  tags text[] not null default '{}',
  description text not null default '',
  follower_count integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint channels_title_length check (char_length(title) <= 140),
  constraint channels_category_length check (category is null or char_length(category) between 1 and 64),
  constraint channels_tags_count check (cardinality(tags) <= 10),
  constraint channels_description_length check (char_length(description) <= 2000),
  constraint channels_follower_count check (follower_count >= 0)
);

-- The channel's current stream key: a SHA-256 digest to authorize with, and a sealed copy
-- (AES-256-GCM under channel.stream-key.secret) so that the owner can see the key again.
create table stream_keys (
  channel_id uuid primary key references channels (id) on delete cascade,
  key_digest bytea not null,
  key_sealed bytea not null,
  created_at timestamptz not null default now(),
  constraint stream_keys_digest_length check (octet_length(key_digest) = 32)
);

-- Live sessions, kept as history (VODs refer to them). started_at is null for a session whose end
-- arrived before its start (out-of-order delivery): the start, when it comes, finds it ended.
-- Live = started and not ended; at most one per channel.
create table live_sessions (
  id uuid primary key,
  channel_id uuid not null references channels (id) on delete cascade,
  ingest_node text,
  source_url text,
  video jsonb,
  audio jsonb,
  bitrate_kbps double precision,
  started_at timestamptz,
  ended_at timestamptz,
  end_reason text,
  -- Fed by the caching service's viewer counts later; the directory already sorts by it first.
  viewers integer not null default 0,
  created_at timestamptz not null default now(),
  constraint live_sessions_seen check (started_at is not null or ended_at is not null)
);
create unique index live_sessions_one_live on live_sessions (channel_id)
  where started_at is not null and ended_at is null;
create index live_sessions_directory on live_sessions (viewers desc, started_at desc, channel_id desc)
  where started_at is not null and ended_at is null;
create index live_sessions_history on live_sessions (channel_id, started_at desc);

create table follows (
  channel_id uuid not null references channels (id) on delete cascade,
  user_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (channel_id, user_id)
);
create index follows_user on follows (user_id, created_at desc);

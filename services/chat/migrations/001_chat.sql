-- Chat's moderation state per channel and the nicknames it shows. Messages are not kept here: the
-- channel's log lives in Redis and reaches the caching service through chat.messages.

create table moderators (
  channel_id uuid not null,
  user_id uuid not null,
  appointed_at timestamptz not null default now(),
  primary key (channel_id, user_id)
);

-- A row is a permanent ban (until null) or a timeout (until set); an expired timeout means nothing.
create table bans (
  channel_id uuid not null,
  user_id uuid not null,
  until timestamptz,
  reason text,
  moderator_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (channel_id, user_id)
);

create table settings (
  channel_id uuid primary key,
  slow_mode_seconds integer not null default 0,
  followers_only_minutes integer,
  emote_only boolean not null default false,
  updated_at timestamptz not null default now()
);

create table blocked_terms (
  channel_id uuid primary key,
  terms text[] not null,
  updated_at timestamptz not null default now()
);

-- The highest seq of each channel relayed to Kafka: where the log continues if Redis loses it.
create table seq_floors (
  channel_id uuid primary key,
  seq bigint not null
);

create table nicknames (
  user_id uuid primary key,
  nickname text not null,
  updated_at timestamptz not null
);

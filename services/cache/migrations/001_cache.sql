-- The caching service's durable copy of what it caches (schema cache_service). Every table is
-- written in batches by the sync and is idempotent: a redelivered event changes nothing.

-- Chat messages, one row per message id; deletions and clears set deleted_at (never served again).
create table messages (
  message_id uuid primary key,
  channel_id uuid not null,
  seq bigint not null,
  user_id uuid not null,
  nickname text not null,
  role text not null,
  text text not null,
  sent_at timestamptz not null,
  deleted_at timestamptz,
  -- When the sync wrote the row (clock time, not the transaction's start): the sync lag is synced_at - sent_at.
  synced_at timestamptz not null default clock_timestamp(),
  unique (channel_id, seq)
);
create index messages_channel_sent on messages (channel_id, sent_at);

-- Bans, timeouts, unbans and settings changes, by event id.
create table moderation_actions (
  event_id uuid primary key,
  channel_id uuid not null,
  seq bigint not null,
  action text not null,
  user_id uuid,
  moderator_id uuid not null,
  at timestamptz not null,
  until timestamptz,
  reason text,
  settings jsonb
);
create index moderation_actions_channel on moderation_actions (channel_id, seq);

-- Signed-in users' presence: one row per join, closed by the matching leave.
create table presence_sessions (
  join_event_id uuid primary key,
  channel_id uuid not null,
  node text not null,
  user_id uuid not null,
  nickname text not null,
  role text not null,
  joined_at timestamptz not null,
  left_at timestamptz
);
create index presence_sessions_open on presence_sessions (channel_id, node, user_id) where left_at is null;

-- Broadcasts as channel.events told them; the live one has ended_at null.
create table live_sessions (
  session_id uuid primary key,
  channel_id uuid not null,
  started_at timestamptz not null,
  ended_at timestamptz,
  peak_viewers integer not null default 0
);
create index live_sessions_channel on live_sessions (channel_id, started_at desc);

-- Channels the service has heard of (any channel event): a heartbeat for another is a 404.
create table known_channels (
  channel_id uuid primary key,
  first_seen_at timestamptz not null default now()
);

-- Per-minute statistics of a session, for the studio's graphs.
create table stats_samples (
  session_id uuid not null,
  minute timestamptz not null,
  channel_id uuid not null,
  viewers integer not null,
  chatters integer not null,
  messages integer not null,
  primary key (session_id, minute)
);

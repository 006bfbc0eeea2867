-- Roles travel in access tokens; every account is a "user", more roles are granted by hand.
alter table users add column roles text[] not null default '{user}';
-- Set when a social provider vouched for the email (social sign-up or a verified link).
alter table users add column email_verified_at timestamptz;
alter table users add column password_changed_at timestamptz;
alter table users add constraint users_email_length check (char_length(email) between 3 and 254);

alter table social_identities add column email_verified boolean not null default false;
-- One identity per provider and account: a second Google account cannot be linked silently.
create unique index social_identities_user_provider on social_identities (user_id, provider);

-- Transactional outbox: an event is written with the change it describes and published to Kafka
-- afterwards, so a committed change is never left without its event (and no event without a change).
create table outbox (
  id bigint generated always as identity primary key,
  event_id uuid not null unique,
  event_type text not null,
  data jsonb not null,
  created_at timestamptz not null default now()
);

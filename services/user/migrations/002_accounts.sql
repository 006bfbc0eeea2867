-- The outbox table moved to kit's outbox migration (created if not exists, before this file).
-- replaces-checksum f6319a05a76b8225a39cdc14fc8bd4e9622b7a389d1a86c0aa5dc87c3108c1ed
-- Roles travel in access tokens; every account is a "user", more roles are granted by hand.
alter table users add column roles text[] not null default '{user}';
-- Set when a social provider vouched for the email (social sign-up or a verified link).
alter table users add column email_verified_at timestamptz;
alter table users add column password_changed_at timestamptz;
alter table users add constraint users_email_length check (char_length(email) between 3 and 254);

alter table social_identities add column email_verified boolean not null default false;
-- One identity per provider and account: a second Google account cannot be linked silently.
create unique index social_identities_user_provider on social_identities (user_id, provider);

-- Accounts. Uniqueness is on normalized forms so that "A@x.com"/"a@x.com" and "Nick"/"nick" collide.
create table users (
  id uuid primary key,
  email text not null,
  email_normalized text not null unique,
  nickname text not null,
  nickname_normalized text not null unique,
  password_hash text,
  signup_method text not null default 'password',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_nickname_length check (char_length(nickname) between 2 and 20),
  constraint users_signup_method check (signup_method ~ '^(password|[a-z][a-z0-9-]{1,31})$')
);

-- Social identities linked to an account: a provider's subject belongs to exactly one user.
create table social_identities (
  provider text not null,
  subject text not null,
  user_id uuid not null references users (id) on delete cascade,
  email text,
  linked_at timestamptz not null default now(),
  primary key (provider, subject)
);
create index social_identities_user_id on social_identities (user_id);

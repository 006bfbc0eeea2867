-- The UTS #39 skeleton of the nickname (computed by the service: see domain/nickname-skeleton.ts):
-- two nicknames that look alike ("ѕecA1" with a Cyrillic dze and "secA1") have one skeleton, and
-- only one of them may exist. Rows from before this column get theirs when the service starts;
-- unique indexes let nulls through, so they never block the migration.
alter table users add column nickname_skeleton text;
create unique index users_nickname_skeleton_key on users (nickname_skeleton);

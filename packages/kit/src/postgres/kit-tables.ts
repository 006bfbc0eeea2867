import type { Migration } from './migrate.ts';

// The tables kit's own mechanisms keep in a service's schema. They are migrations like the
// service's (recorded in its schema_migrations, applied under the same lock, before the service's
// own files), so no service copies them and nothing creates them while serving.

/** The transactional outbox `OutboxRelay` publishes and then deletes. */
const outbox: Migration = {
  name: 'kit_outbox',
  sql: `create table if not exists outbox (
  id bigserial primary key,
  event_id uuid not null unique,
  event_type text not null,
  data jsonb not null,
  created_at timestamptz not null default now()
)`,
};

/** The event ids `processOnce` has applied, per consumer, pruned after the topics' retention. */
const processedEvents: Migration = {
  name: 'kit_processed_events',
  sql: `create table if not exists processed_events (
  consumer text not null,
  event_id text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
create index if not exists processed_events_processed_at on processed_events (processed_at)`,
};

export type KitTable = 'outbox' | 'processed-events';

const byName: Record<KitTable, Migration> = { outbox, 'processed-events': processedEvents };

/** The migrations of the kit tables a service uses, to run before its own. */
export const kitMigrations = (tables: readonly KitTable[]): Migration[] => tables.map((t) => byName[t]);

import type { PoolClient } from 'pg';
import type { Database } from './database.ts';

const prepared = new WeakMap<Database, Promise<unknown>>();

/** The table of processed event ids, in the database's schema, made on first use. */
function ensureTable(db: Database): Promise<unknown> {
  let ready = prepared.get(db);
  if (!ready) {
    ready = db
      .query(
        `create table if not exists processed_events (
           consumer text not null, event_id text not null, processed_at timestamptz not null default now(),
           primary key (consumer, event_id))`,
      )
      .then(() =>
        db.query('create index if not exists processed_events_processed_at on processed_events (processed_at)'),
      );
    ready.catch(() => prepared.delete(db)); // the next call tries again
    prepared.set(db, ready);
  }
  return ready;
}

/**
 * Runs `work` for an event at most once per consumer: the event id is recorded in the same
 * transaction as the side effect, so a redelivered event (Kafka is at-least-once) changes nothing.
 * Returns false when the event had been processed already.
 */
export async function processOnce(
  db: Database,
  consumer: string,
  eventId: string,
  work: (client: PoolClient) => Promise<void>,
): Promise<boolean> {
  await ensureTable(db);
  const client = await db.connect();
  try {
    await client.query('begin');
    const inserted = await client.query(
      'insert into processed_events (consumer, event_id) values ($1, $2) on conflict do nothing',
      [consumer, eventId],
    );
    if (inserted.rowCount === 0) {
      await client.query('rollback');
      return false;
    }
    await work(client);
    await client.query('commit');
    return true;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Forgets event ids processed before `before`, in batches so that no statement holds many row
 * locks. An id only needs remembering while Kafka may still deliver its event: keep them longer
 * than the topics' retention. Returns how many were forgotten.
 */
export async function pruneProcessedEvents(db: Database, before: Date, batch = 5000): Promise<number> {
  await ensureTable(db);
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `delete from processed_events where ctid = any(array(
         select ctid from processed_events where processed_at < $1 limit $2))`,
      [before, batch],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batch) return total;
  }
}

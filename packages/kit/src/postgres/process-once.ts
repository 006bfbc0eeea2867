import type { PoolClient } from 'pg';
import type { Database } from './database.ts';

const prepared = new WeakMap<Database, Promise<unknown>>();

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
  let ready = prepared.get(db);
  if (!ready) {
    ready = db.query(
      `create table if not exists processed_events (
         consumer text not null, event_id text not null, processed_at timestamptz not null default now(),
         primary key (consumer, event_id))`,
    );
    prepared.set(db, ready);
  }
  await ready;
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

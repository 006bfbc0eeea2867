import type { PoolClient } from 'pg';
import type { Database } from './database.ts';

/** What `processOnce` did: the work's result, or nothing when the event had been applied before. */
export type Once<R> = { applied: true; result: R } | { applied: false };

/**
 * Runs `work` for an event at most once per consumer: the event id is recorded in the same
 * transaction as the side effect, so a redelivered event (Kafka is at-least-once) changes nothing.
 * The table is kit's `processed-events` migration (`openDatabase(..., { kitTables })`).
 */
export async function processOnce<R>(
  db: Database,
  consumer: string,
  eventId: string,
  work: (client: PoolClient) => Promise<R>,
): Promise<Once<R>> {
  const client = await db.connect();
  try {
    await client.query('begin');
    const inserted = await client.query(
      'insert into processed_events (consumer, event_id) values ($1, $2) on conflict do nothing',
      [consumer, eventId],
    );
    if (inserted.rowCount === 0) {
      await client.query('rollback');
      return { applied: false };
    }
    const result = await work(client);
    await client.query('commit');
    return { applied: true, result };
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

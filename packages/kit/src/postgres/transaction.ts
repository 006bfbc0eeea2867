import type { PoolClient } from 'pg';
import type { Database } from './database.ts';

/** Runs `work` in one transaction on one connection; rolls back on any error. */
export async function withTransaction<T>(db: Database, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Queues an event for the outbox relay, inside the transaction that made the change. */
export async function enqueueOutboxEvent(
  client: PoolClient,
  type: string,
  eventId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await client.query('insert into outbox (event_id, event_type, data) values ($1, $2, $3)', [
    eventId,
    type,
    JSON.stringify(data),
  ]);
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { processOnce, pruneProcessedEvents } from './process-once.ts';
import { type KitTestDatabase, kitTestDatabase } from './testing/kit-test-database.ts';

describe('processOnce (real PostgreSQL)', () => {
  let db: Database;
  let database: KitTestDatabase;

  beforeAll(async () => {
    database = await kitTestDatabase('kit_once', ['processed-events']);
    db = database.db;
    await db.query('create table counter (n int not null)');
    await db.query('insert into counter values (0)');
  });
  afterAll(() => database?.close());

  const bump = (client: { query: (q: string) => Promise<unknown> }) =>
    client.query('update counter set n = n + 1').then(() => {});

  it('applies an event once even when it is delivered twice, concurrently', async () => {
    const results = await Promise.all([processOnce(db, 'c', 'e1', bump), processOnce(db, 'c', 'e1', bump)]);
    expect(results.map((r) => r.applied).sort()).toEqual([false, true]);
    expect((await processOnce(db, 'c', 'e1', bump)).applied).toBe(false);
    expect((await processOnce(db, 'other-consumer', 'e1', bump)).applied).toBe(true);
    expect((await db.query('select n from counter')).rows[0].n).toBe(2);
  });

  it('records nothing when the work fails, so a retry can succeed', async () => {
    await expect(
      processOnce(db, 'c', 'e2', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await processOnce(db, 'c', 'e2', bump)).applied).toBe(true);
    expect((await db.query('select n from counter')).rows[0].n).toBe(3);
  });

  it('forgets ids processed before a cut-off, in batches, and keeps the rest deduplicating', async () => {
    await db.query(
      `insert into processed_events (consumer, event_id, processed_at)
       select 'old', 'o' || g, now() - interval '10 days' from generate_series(1, 120) g`,
    );
    expect((await processOnce(db, 'recent', 'r1', bump)).applied).toBe(true);
    const before = new Date(Date.now() - 8 * 24 * 3_600_000);

    expect(await pruneProcessedEvents(db, before, 50)).toBe(120); // three batches: 50, 50, 20
    const left = await db.query<{ consumer: string; n: string }>(
      'select consumer, count(*) as n from processed_events group by consumer order by consumer',
    );
    expect(left.rows.map((r) => [r.consumer, Number(r.n)])).toEqual([
      ['c', 2],
      ['other-consumer', 1],
      ['recent', 1],
    ]);
    expect((await processOnce(db, 'recent', 'r1', bump)).applied).toBe(false);
    expect(await pruneProcessedEvents(db, before)).toBe(0);
  });

  it("returns the work's result the first time, and that it was not applied on a redelivery", async () => {
    const count = async (client: { query: (q: string) => Promise<{ rows: { n: number }[] }> }) =>
      (await client.query('update counter set n = n + 1 returning n')).rows[0]!.n;
    const first = await processOnce(db, 'c', 'e3', count);
    expect(first).toEqual({ applied: true, result: 5 });
    expect(await processOnce(db, 'c', 'e3', count)).toEqual({ applied: false });
  });
});

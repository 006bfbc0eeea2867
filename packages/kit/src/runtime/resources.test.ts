import { waitFor } from '@phzzk/testing';
import type { TObject } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import type { Database } from '../postgres/database.ts';
import { processOnce } from '../postgres/process-once.ts';
import { type KitTestDatabase, kitTestDatabase } from '../postgres/testing/kit-test-database.ts';
import { Lifecycle } from './lifecycle.ts';
import { startProcessedEventsPruning } from './resources.ts';
import type { ServiceContext } from './start-service.ts';

describe('startProcessedEventsPruning (real PostgreSQL)', () => {
  let db: Database;
  let database: KitTestDatabase;
  const logger = createLogger({ service: 'kit-test', instanceId: 'kit-test', level: 'silent' });

  beforeAll(async () => {
    database = await kitTestDatabase('kit_prune', ['processed-events']);
    db = database.db;
  });
  afterAll(() => database?.close());

  it('forgets ids older than the configured retention at start, keeps newer ones, and stops on close', async () => {
    await processOnce(db, 'consumer', 'kept', async () => {});
    await db.query(
      `insert into processed_events (consumer, event_id, processed_at)
       values ('consumer', 'two-days-old', now() - interval '49 hours'), ('consumer', 'one-day-old', now() - interval '23 hours')`,
    );
    const lifecycle = new Lifecycle();
    const ctx = {
      config: { values: { 'database.processed-events.retention-hours': 24 } },
      logger,
      lifecycle,
    } as unknown as ServiceContext<TObject>;

    const pruning = startProcessedEventsPruning(ctx, db);
    const ids = async () =>
      (await db.query<{ event_id: string }>('select event_id from processed_events order by event_id')).rows.map(
        (r) => r.event_id,
      );
    await waitFor(async () => !(await ids()).includes('two-days-old'), { what: 'the pruning at start' });
    expect(await ids()).toEqual(['kept', 'one-day-old']);
    await pruning.prune(); // joins the first round if it is still finishing
    expect(await pruning.prune()).toBe(0);
    await lifecycle.close(logger);
  });
});

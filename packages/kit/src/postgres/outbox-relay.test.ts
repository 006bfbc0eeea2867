import { Topics } from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventProducer } from '../kafka/event-producer.ts';
import { createLogger } from '../logging/logger.ts';
import type { Database } from './database.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { type KitTestDatabase, kitTestDatabase } from './testing/kit-test-database.ts';

const logger = createLogger({ service: 'kit-test', instanceId: 'kit-test', level: 'silent' });
const vodId = (n: number) => `0190a6b0-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('OutboxRelay (real PostgreSQL)', () => {
  let db: Database;
  let database: KitTestDatabase;

  beforeAll(async () => {
    database = await kitTestDatabase('kit_outbox', ['outbox']);
    db = database.db;
  });
  afterAll(() => database?.close());

  const queue = (n: number) =>
    db.query(`insert into outbox (event_id, event_type, data) values ($1, 'vod.deleted', $2)`, [
      vodId(n),
      { vodId: vodId(n), channelId: vodId(0) },
    ]);
  const waiting = async () => Number((await db.query<{ n: string }>('select count(*) as n from outbox')).rows[0]?.n);

  it('publishes the rows in commit order and deletes each once it is published', async () => {
    const sent: string[] = [];
    const producer: Pick<EventProducer, 'publish'> = {
      publish: async (_topic, _type, _data, options) => {
        sent.push(options?.id ?? '');
        return { id: options?.id ?? '' } as Awaited<ReturnType<EventProducer['publish']>>;
      },
    };
    for (const n of [1, 2, 3]) await queue(n);
    const relay = new OutboxRelay({ db, producer, logger, schema: database.schema, topic: Topics.vodEvents });
    relay.start(60_000);
    await waitFor(async () => (await waiting()) === 0, { what: 'the outbox to be emptied' });
    expect(sent).toEqual([vodId(1), vodId(2), vodId(3)]);
    expect((await relay.backlog()).ok).toBe(true);
    await relay.stop();
  });

  it('keeps a row whose publish failed, for the next round with the same event id', async () => {
    let failing = true;
    const sent: string[] = [];
    const producer: Pick<EventProducer, 'publish'> = {
      publish: async (_topic, _type, _data, options) => {
        if (failing) throw new Error('kafka away');
        sent.push(options?.id ?? '');
        return { id: options?.id ?? '' } as Awaited<ReturnType<EventProducer['publish']>>;
      },
    };
    await queue(4);
    const relay = new OutboxRelay({ db, producer, logger, schema: database.schema, topic: Topics.vodEvents });
    relay.start(60_000);
    await waitFor(async () => (await relay.backlog()).detail.includes('kafka away'), { what: 'the failed round' });
    expect(await waiting()).toBe(1);
    failing = false;
    relay.kick();
    await waitFor(async () => (await waiting()) === 0, { what: 'the retried publish' });
    expect(sent).toEqual([vodId(4)]);
    await relay.stop();
  });
});

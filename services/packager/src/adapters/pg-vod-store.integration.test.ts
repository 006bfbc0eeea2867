import { fileURLToPath } from 'node:url';
import { createDatabase, createLogger, type Database, kitMigrations, loadMigrations, migrate } from '@phzzk/kit';
import { freshSchema, testInfra } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryboardBuilder } from '../workers/storyboard-builder.ts';
import { PgVodStore } from './pg-vod-store.ts';

/** Storyboard leases between instances sharing the vods table (real PostgreSQL). */
describe('PgVodStore storyboard leases', () => {
  let db: Database;
  let schema: ReturnType<typeof freshSchema>;
  let store: PgVodStore;

  beforeAll(async () => {
    const { databaseUrl } = await testInfra();
    schema = freshSchema(databaseUrl, 'packager_leases');
    db = createDatabase({ url: databaseUrl, schema: schema.name });
    const own = await loadMigrations(fileURLToPath(new URL('../../migrations/', import.meta.url)));
    await migrate(db, schema.name, [...kitMigrations(['outbox']), ...own]);
    store = new PgVodStore(db);
  });

  afterAll(async () => {
    await db?.end();
    await schema?.drop();
  });

  async function recordingVod(): Promise<string> {
    const id = uuidv7();
    await db.query('insert into vods (id, channel_id, session_id, title, started_at) values ($1, $2, $3, $4, now())', [
      id,
      uuidv7(),
      uuidv7(),
      'lease test',
    ]);
    return id;
  }

  const claimed = async (worker: string, id: string) =>
    (await store.claimStoryboards(worker, 60_000, 50)).some((v) => v.id === id);

  it('keeps a VOD with the instance that leased it until the lease runs out', async () => {
    const id = await recordingVod();
    expect(await claimed('a', id)).toBe(true);
    expect(await claimed('b', id)).toBe(false);
    expect(await claimed('a', id)).toBe(true); // renewed by its holder
  });

  it('hands the VOD to another instance at once when its holder stops', async () => {
    const id = await recordingVod();
    expect(await claimed('stopping', id)).toBe(true);
    const builder = new StoryboardBuilder({
      store,
      storage: {} as never,
      reader: {} as never,
      sprites: {} as never,
      logger: createLogger({ service: 'packager-test', instanceId: 'leases', level: 'silent' }),
      worker: 'stopping',
      intervalMs: 60_000,
      leaseMs: 60_000,
      minNewTiles: 15,
    });
    await builder.stop();
    expect(await claimed('successor', id)).toBe(true);
    expect(await claimed('stopping', id)).toBe(false);
  });

  it('takes an ended broadcast first, however many live ones wait', async () => {
    for (let i = 0; i < 5; i++) await recordingVod();
    const ended = await recordingVod();
    await db.query(`update vods set status = 'ready', ended_at = now(), ready_at = now() where id = $1`, [ended]);
    const first = await store.claimStoryboards('busy', 60_000, 1);
    expect(first.map((v) => v.id)).toEqual([ended]);
  });

  it('leaves finished storyboards and other instances’ leases alone when one instance stops', async () => {
    const mine = await recordingVod();
    expect(await claimed('x', mine)).toBe(true);
    await store.storyboardProgress(mine, 'x', 3, true);
    const theirs = await recordingVod();
    expect(await claimed('y', theirs)).toBe(true);
    await store.releaseStoryboards('x');
    await store.releaseStoryboards('nobody');
    expect(await claimed('z', mine)).toBe(false); // done: nothing to claim
    expect(await claimed('z', theirs)).toBe(false); // still y's
  });
});

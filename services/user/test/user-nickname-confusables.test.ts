import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, startUserService } from './support.ts';

type Account = { id: string; nickname: string };
const PASSWORD = 'a quiet evening walk';

describe('user service: look-alike and invisible nicknames (real PostgreSQL)', () => {
  let svc: Awaited<ReturnType<typeof startUserService>>;
  let db: pg.Client;
  let n = 0;
  const email = () => `look.${Date.now().toString(36)}${n++}@example.com`;
  const create = (nickname: string) =>
    svc.api.post<Account>('/internal/accounts', { email: email(), nickname, password: PASSWORD });

  beforeAll(async () => {
    svc = await startUserService();
    db = new pg.Client({ connectionString: svc.infra.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await svc?.stop();
  });

  it('refuses a look-alike of a taken nickname with 409 NICKNAME_CONFUSABLE', async () => {
    expect((await create('secA1')).status).toBe(201);
    const cyrillic = await create('ѕecA1'); // U+0455 CYRILLIC SMALL LETTER DZE
    expect(cyrillic.status).toBe(409);
    expect(cyrillic.body).toMatchObject({ code: 'NICKNAME_CONFUSABLE' });
    const fullwidth = await create('ｓｅｃＡ1');
    expect(fullwidth.status).toBe(409);
    // The exact name (in another case) is still the plain conflict.
    expect((await create('SECA1')).body).toMatchObject({ code: 'NICKNAME_TAKEN' });
    expect((await create('secB1')).status).toBe(201);
  });

  it('stores the skeleton in its own uniquely indexed column', async () => {
    const made = await create('Ρaypal'); // Greek capital Rho
    expect(made.status).toBe(201);
    const { rows } = await db.query(`select nickname_skeleton from "${svc.schema.name}".users where id = $1`, [
      made.body.id,
    ]);
    expect(rows[0]?.nickname_skeleton).toBe('paypal');
    const { rows: index } = await db.query(
      `select indexdef from pg_indexes where schemaname = $1 and indexname = 'users_nickname_skeleton_key'`,
      [svc.schema.name],
    );
    expect(index[0]?.indexdef).toMatch(/UNIQUE INDEX/);
  });

  it('refuses a look-alike of a reserved name and default-ignorable marks with 400', async () => {
    const reserved = await create('аdmin'); // U+0430 CYRILLIC SMALL LETTER A
    expect(reserved.status).toBe(400);
    expect(reserved.body).toMatchObject({ code: 'INVALID_NICKNAME', reason: 'RESERVED' });
    for (const mark of ['\uFE0F', '\u034F', '\u180B', '\u2800', '\u200D', '\u200C', '\u3164', '\u115F']) {
      const res = await create(`mark${mark}ed${n}`);
      expect(res.status, `U+${mark.codePointAt(0)?.toString(16)}`).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_NICKNAME', reason: 'CHARACTERS' });
    }
  });

  it('refuses renaming to a look-alike of another account (409) and lets the owner respell the own name', async () => {
    const owner = await create('moonlight');
    expect(owner.status).toBe(201);
    const other = await create('sunrise');
    const renamed = await svc.api.patch('/api/users/me', { nickname: 'rnoonlight' }, asUser(other.body.id));
    expect(renamed.status).toBe(409);
    expect(renamed.body).toMatchObject({ code: 'NICKNAME_CONFUSABLE' });
    // The owner may respell the own name: the skeleton it collides with is its own.
    const respelled = await svc.api.patch('/api/users/me', { nickname: 'Moonlight' }, asUser(owner.body.id));
    expect(respelled.status).toBe(200);
  });

  it('fills in the skeletons of older rows when it starts', async () => {
    const old = await create('olderName');
    await db.query(`update "${svc.schema.name}".users set nickname_skeleton = null where id = $1`, [old.body.id]);
    await svc.running.stop();
    svc = await startUserService({}, svc.schema.name).then((next) => ({ ...next, schema: svc.schema }));
    const { rows } = await db.query(`select nickname_skeleton from "${svc.schema.name}".users where id = $1`, [
      old.body.id,
    ]);
    expect(rows[0]?.nickname_skeleton).toBe('oldernarne'); // the table's prototype of m is rn
    const lookAlike = await create('оlderName'); // Cyrillic o
    expect(lookAlike.status).toBe(409);
  });
});

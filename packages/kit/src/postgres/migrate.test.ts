import { freshSchema, testInfra } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from './database.ts';
import { migrate } from './migrate.ts';

describe('migrate (real PostgreSQL)', () => {
  let url: string;
  let schema: ReturnType<typeof freshSchema>;
  let db: Database;
  let db2: Database;

  beforeAll(async () => {
    url = (await testInfra()).databaseUrl;
    schema = freshSchema(url, 'kit_migrate');
    db = createDatabase({ url, schema: schema.name });
    db2 = createDatabase({ url, schema: schema.name });
  });
  afterAll(async () => {
    await db.end();
    await db2.end();
    await schema.drop();
  });

  const migrations = [
    { name: '001_things.sql', sql: 'create table things (id int primary key, name text not null);' },
    { name: '002_more.sql', sql: 'alter table things add column size int not null default 0;' },
  ];

  it('applies pending migrations once, even when two instances start together', async () => {
    const [a, b] = await Promise.all([migrate(db, schema.name, migrations), migrate(db2, schema.name, migrations)]);
    expect([...a, ...b].sort()).toEqual(['001_things.sql', '002_more.sql']);
    expect(await migrate(db, schema.name, migrations)).toEqual([]);
    await db.query('insert into things (id, name) values (1, $1)', ['x']);
    const { rows } = await db.query('select id, name, size from things');
    expect(rows).toEqual([{ id: 1, name: 'x', size: 0 }]);
  });

  it('refuses an applied migration that was edited afterwards', async () => {
    const edited = [{ ...migrations[0]!, sql: 'create table things (id bigint primary key);' }, migrations[1]!];
    await expect(migrate(db, schema.name, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('accepts an edited migration only when it names the checksum it replaces, and records the new one', async () => {
    const { createHash } = await import('node:crypto');
    const sum = (sql: string) => createHash('sha256').update(sql).digest('hex');
    const first = { name: '010_notes.sql', sql: 'create table notes (id int);' };
    await migrate(db, schema.name, [first]);
    const wrong = { ...first, sql: `-- replaces-checksum ${'0'.repeat(64)}\n${first.sql}` };
    await expect(migrate(db, schema.name, [wrong])).rejects.toThrow(/was changed/);
    const edited = { ...first, sql: `-- replaces-checksum ${sum(first.sql)}\n${first.sql}` };
    expect(await migrate(db, schema.name, [edited])).toEqual([]);
    const { rows } = await db.query(`select checksum from ${schema.name}.schema_migrations where name = $1`, [
      first.name,
    ]);
    expect(rows[0].checksum).toBe(sum(edited.sql));
    // The record follows the file now: the old text is the changed one.
    await expect(migrate(db, schema.name, [first])).rejects.toThrow(/was changed/);
  });

  it('rolls back a failing migration completely', async () => {
    const bad = [
      ...migrations,
      { name: '003_bad.sql', sql: 'create table halfway (id int); select * from missing_table;' },
    ];
    await expect(migrate(db, schema.name, bad)).rejects.toThrow(/003_bad\.sql failed/);
    const { rows } = await db.query("select to_regclass('halfway') as t");
    expect(rows[0].t).toBeNull();
  });

  it('rejects schema names that could inject SQL', () => {
    expect(() => createDatabase({ url, schema: 'x; drop table y' })).toThrow(/invalid schema name/);
  });
});

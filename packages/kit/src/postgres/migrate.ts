import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertSchemaName, type Database } from './database.ts';

export interface Migration {
  name: string;
  sql: string;
}

export async function loadMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(files.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
}

const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

/**
 * The checksums an applied file may have had before an edit that changed nothing in a schema it
 * made (such as a table moving to a kit migration that creates it `if not exists`): the file says
 * so in a line `-- replaces-checksum <sha256>`, and the record is brought up to date.
 */
const replacedChecksums = (sql: string): string[] =>
  [...sql.matchAll(/^-- replaces-checksum ([0-9a-f]{64})$/gm)].map((m) => m[1] as string);

/**
 * Applies pending migrations in name order, each in its own transaction, under an advisory lock
 * so that instances starting together do not race. Idempotent; an applied migration whose file
 * changed afterwards is an error (history is never rewritten silently).
 */
export async function migrate(db: Database, schema: string, migrations: Migration[]): Promise<string[]> {
  assertSchemaName(schema);
  const client = await db.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`phzzk-migrate:${schema}`]);
    await client.query(`create schema if not exists ${schema}`);
    // A pooled session may have resolved its search_path before the schema existed (another
    // instance created it); re-asserting the setting makes this session resolve it again.
    await client.query("select set_config('search_path', current_setting('search_path'), false)");
    await client.query(
      `create table if not exists ${schema}.schema_migrations (
         name text primary key, checksum text not null, applied_at timestamptz not null default now())`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `select name, checksum from ${schema}.schema_migrations`,
    );
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const m of migrations) {
      const sum = checksum(m.sql);
      const previous = done.get(m.name);
      if (previous !== undefined) {
        if (previous === sum) continue;
        if (!replacedChecksums(m.sql).includes(previous))
          throw new Error(`migration ${schema}/${m.name} was changed after it was applied`);
        await client.query(`update ${schema}.schema_migrations set checksum = $2 where name = $1`, [m.name, sum]);
        continue;
      }
      await client.query('begin');
      try {
        await client.query(`set local search_path = ${schema}, public`);
        await client.query(m.sql);
        await client.query(`insert into ${schema}.schema_migrations (name, checksum) values ($1, $2)`, [m.name, sum]);
        await client.query('commit');
        applied.push(m.name);
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${schema}/${m.name} failed: ${(error as Error).message}`);
      }
    }
    return applied;
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [`phzzk-migrate:${schema}`]).catch(() => {});
    client.release();
  }
}

// Test-only: the kit's tests that need PostgreSQL get a schema of their own with the kit tables.
import { freshSchema, testInfra } from '@phzzk/testing';
import { createDatabase } from '../database.ts';
import { type KitTable, kitMigrations } from '../kit-tables.ts';
import { migrate } from '../migrate.ts';

/** A fresh schema on the test PostgreSQL with `tables` migrated; close() ends the pool and drops it. */
export async function kitTestDatabase(prefix: string, tables: readonly KitTable[]) {
  const { databaseUrl } = await testInfra();
  const schema = freshSchema(databaseUrl, prefix);
  const db = createDatabase({ url: databaseUrl, schema: schema.name });
  await migrate(db, schema.name, kitMigrations(tables));
  return {
    db,
    schema: schema.name,
    async close(): Promise<void> {
      await db.end();
      await schema.drop();
    },
  };
}

export type KitTestDatabase = Awaited<ReturnType<typeof kitTestDatabase>>;

import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A name no other test run uses: `prefix_<random>` (valid as a schema, group id or topic suffix). */
export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(5).toString('hex')}`;

/** A fresh PostgreSQL schema for one test file; drop() removes it with everything in it. */
export function freshSchema(databaseUrl: string, prefix = 't') {
  const name = uniqueName(prefix);
  return {
    name,
    async drop(): Promise<void> {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${name} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

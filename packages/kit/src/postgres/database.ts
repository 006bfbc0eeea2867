import pg from 'pg';

export type Database = pg.Pool;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  return schema;
}

/**
 * A pool whose connections all use the service's own schema (one schema per service), so
 * services sharing a PostgreSQL server never see each other's tables.
 */
export function createDatabase(options: {
  url: string;
  schema: string;
  poolSize?: number;
  applicationName?: string;
}): Database {
  const schema = assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? schema,
    options: `-c search_path=${schema},public`,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

export async function databaseHealth(db: Database): Promise<{ ok: boolean; detail?: string }> {
  try {
    await db.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

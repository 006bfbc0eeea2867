import { Topics } from '@phzzk/contracts';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serviceTestBed } from './service-test-bed.ts';

describe('serviceTestBed (real infrastructure)', () => {
  it('points a service at a fresh schema and its own group, and drops the schema on close', async () => {
    const bed = await serviceTestBed('bedtest', [Topics.configChanged]);
    const other = await serviceTestBed('bedtest', [Topics.configChanged]);
    expect(bed.schema.name).toMatch(/^bedtest_test_[0-9a-f]{10}$/);
    expect(bed.group).not.toBe(other.group);
    expect(bed.schema.name).not.toBe(other.schema.name);
    expect(bed.env).toEqual({
      DATABASE_URL: bed.infra.databaseUrl,
      DATABASE_SCHEMA: bed.schema.name,
      REDIS_URL: bed.infra.redisUrl,
      KAFKA_BROKERS: bed.infra.kafkaBrokers.join(','),
    });
    const db = new pg.Client({ connectionString: bed.infra.databaseUrl });
    await db.connect();
    try {
      await db.query(`create schema ${bed.schema.name}`);
      await bed.close();
      await other.close();
      const left = await db.query('select 1 from information_schema.schemata where schema_name = $1', [
        bed.schema.name,
      ]);
      expect(left.rowCount).toBe(0);
    } finally {
      await db.end();
    }
  });
});

import { startService, StaticDiscovery } from '@phzzk/kit';
import { ApiClient, freshSchema, testInfra } from '@phzzk/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userService } from '../src/service.ts';
import { TEST_ARGON2_ENV } from './support.ts';

describe('user service (real PostgreSQL)', () => {
  let schema: ReturnType<typeof freshSchema>;
  let running: Awaited<ReturnType<typeof startService>>;
  let api: ApiClient;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = (await testInfra()).databaseUrl;
    schema = freshSchema(databaseUrl, 'user_test');
    running = await startService(userService, {
      env: { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema.name, LOG_LEVEL: 'silent', ...TEST_ARGON2_ENV },
      discovery: new StaticDiscovery([]),
    });
    api = new ApiClient(running.url);
  });
  afterAll(async () => {
    await running?.stop();
    await schema?.drop();
  });

  it('migrates its own schema on start and reports PostgreSQL on /health', async () => {
    const health = await api.get<{ status: string; checks: Record<string, { status: string }> }>('/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.postgres?.status).toBe('up');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query(
      'select table_name from information_schema.tables where table_schema = $1 order by 1',
      [schema.name],
    );
    await client.end();
    expect(rows.map((r) => r.table_name)).toEqual(['outbox', 'schema_migrations', 'social_identities', 'users']);
  });

  it('serves a public profile without private fields, and problems for bad or unknown ids', async () => {
    const id = '0190a6b0-0000-7000-8000-00000000beef';
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(
      `insert into ${schema.name}.users (id, email, email_normalized, nickname, nickname_normalized, password_hash)
       values ($1, 'Someone@Example.com', 'someone@example.com', '스트리머', '스트리머', 'hash')`,
      [id],
    );
    await client.end();
    const found = await api.get(`/api/users/${id}`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ id, nickname: '스트리머', createdAt: expect.any(String) });
    expect(JSON.stringify(found.body)).not.toMatch(/Example|hash/);

    const missing = await api.get('/api/users/0190a6b0-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'USER_NOT_FOUND' });

    for (const bad of ['not-a-uuid', "1' or '1'='1", '%00']) {
      const res = await api.get(`/api/users/${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/problem\+json/);
    }
  });
});

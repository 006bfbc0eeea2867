import type { RunningService } from '@phzzk/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveCipherKey, encryptValue } from '../src/domain/cipher.ts';
import type { configSchema } from '../src/service.ts';
import { configApp, startConfigServer } from './support/config-app.ts';
import { GitFixture } from './support/git-fixture.ts';

// The config server behind credentials: reads need HTTP Basic, so decrypted {cipher} values never
// reach an anonymous caller; without read credentials nothing is decrypted at all.

const READ = { username: 'phzzk', password: 'config-read-password' };
const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
const ENCRYPT_KEY = 'config-security-test-key';
const secretCipher = `{cipher}${encryptValue(deriveCipherKey(ENCRYPT_KEY), 'database-password')}`;

describe('config server reads need credentials', () => {
  let repo: GitFixture;
  let server: Awaited<ReturnType<typeof configApp>>;

  beforeAll(async () => {
    repo = new GitFixture({ 'application.yml': `db:\n  password: '${secretCipher}'\nplain: x\n` });
    server = await configApp(repo.dir, { key: deriveCipherKey(ENCRYPT_KEY), readCredentials: READ });
  });
  afterAll(async () => {
    await server?.close();
    repo?.remove();
  });

  it('answers 401 with a Basic challenge to anonymous and wrong credentials, on every read form', async () => {
    const paths = ['/app/default', '/app/default/main', '/app-default.yml', '/main/app-default.properties', '/x'];
    const wrong = [undefined, basic(READ.username, 'nope'), basic('other', READ.password), 'Bearer x', 'Basic ***'];
    for (const url of paths) {
      for (const authorization of wrong) {
        const res = await server.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
        expect(res.statusCode, `${url} ${authorization}`).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
        expect(res.body).not.toContain('database-password');
      }
    }
    // Health stays open for orchestrators; it tells nothing secret.
    expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('serves the decrypted value to the credential holder', async () => {
    const res = await server.app.inject({
      method: 'GET',
      url: '/app/default',
      headers: { authorization: basic(READ.username, READ.password) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().propertySources[0].source['db.password']).toBe('database-password');
  });
});

describe('config server process security settings', () => {
  let repo: GitFixture;
  const running: RunningService<typeof configSchema>[] = [];
  beforeAll(() => {
    repo = new GitFixture({ 'application.yml': `db:\n  password: '${secretCipher}'\n` });
  });
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    repo?.remove();
  });
  const start = async (env: Record<string, string>) => {
    const r = await startConfigServer(repo.dir, { CONFIG_BUS_ENABLED: 'false', ENCRYPT_KEY, ...env });
    running.push(r);
    return r;
  };

  it('does not start without a read password', async () => {
    await expect(start({})).rejects.toThrow(/config\.security\.password is not set/);
  });

  it('with security switched off, serves {cipher} values undecrypted (invalid.<key>)', async () => {
    const open = await start({ CONFIG_SECURITY_ENABLED: 'false' });
    const env = (await (await fetch(`${open.url}/app/default`)).json()) as {
      propertySources: { source: Record<string, unknown> }[];
    };
    expect(JSON.stringify(env)).not.toContain('database-password');
    expect(env.propertySources[0]?.source['invalid.db.password']).toBe('<n/a>');
  });

  it('closes POST /monitor when no webhook secret is configured', async () => {
    const secured = await start({ CONFIG_SECURITY_PASSWORD: READ.password });
    const res = await fetch(`${secured.url}/monitor`, { method: 'POST', headers: { authorization: 'Bearer x' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/no webhook secret/);
  });
});

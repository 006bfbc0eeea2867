import { createHmac } from 'node:crypto';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deriveCipherKey, encryptValue } from '../src/domain/cipher.ts';
import { configApp } from './support/config-app.ts';
import { GitFixture } from './support/git-fixture.ts';

const key = deriveCipherKey('integration-test-key');
const MONITOR_SECRET = 'monitor-webhook-secret';
const githubSignature = (body: string) => `sha256=${createHmac('sha256', MONITOR_SECRET).update(body).digest('hex')}`;
const files = {
  'application.yml': 'shared:\n  greeting: hello\n  list: [a, b]\nwho: application\n',
  'application-dev.yml': 'who: application-dev\n',
  'gateway.yml': 'gateway:\n  timeout-ms: 5000\n  url: http://${shared.greeting}:${port:8080}/x\nwho: gateway\n',
  'gateway-dev.yml': 'who: gateway-dev\nmulti: "line1\\nline2"\n',
  'README.md': '# not configuration\n',
};

describe('config server over a git repository', () => {
  let repo: GitFixture;
  let server: Awaited<ReturnType<typeof configApp>>;

  beforeAll(async () => {
    repo = new GitFixture(files);
    server = await configApp(repo.dir, { key, monitorSecret: MONITOR_SECRET });
  });
  afterAll(async () => {
    await server?.close();
    repo?.remove();
  });

  const get = (url: string) => server.app.inject({ method: 'GET', url });

  it('serves the Environment document with Spring precedence and names', async () => {
    const res = await get('/gateway/dev');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const env = res.json();
    expect(env).toMatchObject({ name: 'gateway', profiles: ['dev'], label: null, version: repo.head(), state: null });
    expect(env.propertySources.map((s: { name: string }) => s.name)).toEqual(
      ['gateway-dev.yml', 'application-dev.yml', 'gateway.yml', 'application.yml'].map((f) => `${repo.dir}/${f}`),
    );
    expect(env.propertySources[2].source).toEqual({
      'gateway.timeout-ms': 5000,
      'gateway.url': 'http://${shared.greeting}:${port:8080}/x',
      who: 'gateway',
    });
    expect(env.propertySources[3].source).toEqual({
      'shared.greeting': 'hello',
      'shared.list[0]': 'a',
      'shared.list[1]': 'b',
      who: 'application',
    });
  });

  it('takes several profiles (the last wins) and serves a missing application the shared defaults', async () => {
    const env = (await get('/gateway/prod,dev')).json();
    expect(env.profiles).toEqual(['prod', 'dev']);
    expect(env.propertySources[0].name).toBe(`${repo.dir}/gateway-dev.yml`);
    const nobody = (await get('/nobody/default')).json();
    expect(nobody).toMatchObject({ name: 'nobody', profiles: ['default'], version: repo.head() });
    expect(nobody.propertySources.map((s: { name: string }) => s.name)).toEqual([`${repo.dir}/application.yml`]);
  });

  it('serves any branch, tag or commit as the label', async () => {
    const first = repo.head();
    repo.git('tag', 'v1');
    repo.git('branch', 'feature/x');
    const second = repo.commit({ 'gateway.yml': 'who: gateway-2\n' });
    repo.git('checkout', '--quiet', 'feature/x');
    const onBranch = repo.commit({ 'gateway.yml': 'who: on-branch\n' });
    repo.git('checkout', '--quiet', 'main');
    await server.watcher.check(true);
    const who = async (url: string) => {
      const env = (await get(url)).json();
      return [
        env.version,
        env.label,
        env.propertySources.find((s: { name: string }) => s.name.endsWith('/gateway.yml')).source.who,
      ];
    };
    expect(await who('/gateway/default')).toEqual([second, null, 'gateway-2']);
    expect(await who('/gateway/default/main')).toEqual([second, 'main', 'gateway-2']);
    expect(await who('/gateway/default/v1')).toEqual([first, 'v1', 'gateway']);
    expect(await who(`/gateway/default/${first}`)).toEqual([first, first, 'gateway']);
    expect(await who('/gateway/default/feature(_)x')).toEqual([onBranch, 'feature/x', 'on-branch']);
    const missing = await get('/gateway/default/no-such-branch');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('LABEL_NOT_FOUND');
  });

  it('serves the merged view as .yml, .properties and .json, with placeholders resolved', async () => {
    repo.commit({ 'gateway.yml': files['gateway.yml'] });
    await server.watcher.check(true);
    const yml = await get('/gateway-dev.yml');
    expect(yml.statusCode).toBe(200);
    expect(yml.headers['content-type']).toMatch(/^text\/plain/);
    expect(parse(yml.body)).toEqual({
      gateway: { 'timeout-ms': 5000, url: 'http://hello:8080/x' },
      multi: 'line1\nline2',
      shared: { greeting: 'hello', list: ['a', 'b'] },
      who: 'gateway-dev',
    });
    const props = await get('/gateway-dev.properties');
    expect(props.body).toBe(
      [
        'gateway.timeout-ms: 5000',
        'gateway.url: http://hello:8080/x',
        'multi: line1\\nline2',
        'shared.greeting: hello',
        'shared.list[0]: a',
        'shared.list[1]: b',
        'who: gateway-dev',
      ].join('\n'),
    );
    const raw = await get('/gateway-dev.properties?resolvePlaceholders=false');
    expect(raw.body).toContain('gateway.url: http://${shared.greeting}:${port:8080}/x');
    const json = await get('/main/gateway-dev.json');
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()).toMatchObject({ who: 'gateway-dev', shared: { list: ['a', 'b'] } });
    expect((await get('/v1/gateway-default.yml')).body).toContain('who: gateway');
    expect((await get('/main/gateway-dev.yaml')).statusCode).toBe(200);
  });

  it('answers bad names with 400 problem+json, and unknown paths with 404', async () => {
    for (const url of [
      '/..%2F..%2Fetc/default',
      '/gateway/a..b',
      '/gateway/dev/..%2F..%2Fsecrets',
      '/gateway/dev/-c',
      `/${'a'.repeat(600)}/default`,
      `/gateway/${'p'.repeat(300)}`,
      `/gateway/dev/${'l'.repeat(5000)}`,
      '/..-dev.yml',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.json().code, url).toMatch(/INVALID_NAME|BAD_URL|PATH_REFUSED/);
    }
    // Broken percent-encoding is refused by the router itself (the kit's app), also with a 400.
    expect((await get('/gateway/%E0%A4%A')).statusCode).toBe(400);
    const unknown = await get('/just-one-segment');
    expect(unknown.statusCode).toBe(404);
    expect((await get('/a/b/c/d')).statusCode).toBe(404);
  });

  it('keeps serving the last good configuration when a commit breaks the YAML', async () => {
    const good = repo.commit({ 'gateway.yml': 'who: good\n' });
    await server.watcher.check(true);
    expect((await get('/gateway/default')).json().version).toBe(good);
    const broken = repo.commit({ 'gateway.yml': 'who: [unclosed\n' }, 'broken');
    const result = await server.watcher.check(true);
    expect(result).toBeNull();
    const env = (await get('/gateway/default')).json();
    expect(env.version).toBe(good);
    expect(env.propertySources[0].source).toEqual({ who: 'good' });
    expect(server.repository.rejected).toMatchObject({ commit: broken });
    expect(server.repository.rejected?.message).toMatch(/gateway\.yml/);
    expect(server.log.lines.some((l) => l.level === 'error' && /invalid configuration/.test(l.msg))).toBe(true);
    // Asked for by its commit id, the broken one is refused rather than half served.
    const explicit = await get(`/gateway/default/${broken}`);
    expect(explicit.statusCode).toBe(422);
    expect(explicit.json().code).toBe('CONFIG_INVALID');
    const fixed = repo.commit({ 'gateway.yml': 'who: fixed\n' });
    await server.watcher.check(true);
    expect((await get('/gateway/default')).json().version).toBe(fixed);
    expect(server.repository.rejected).toBeNull();
  });

  it('decrypts {cipher} values, and serves a tampered one as invalid.<key> = <n/a>', async () => {
    const secret = encryptValue(key, 'db-p4ss');
    const bytes = Buffer.from(encryptValue(key, 'other'), 'base64url');
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] as number) ^ 0xff;
    const commit = repo.commit({
      'user.yml': `database:\n  password: '{cipher}${secret}'\napi:\n  key: '{cipher}${bytes.toString('base64url')}'\n`,
    });
    await server.watcher.check(true);
    const env = (await get('/user/default')).json();
    expect(env.version).toBe(commit);
    expect(env.propertySources[0].source).toEqual({ 'database.password': 'db-p4ss', 'invalid.api.key': '<n/a>' });
    expect(JSON.stringify(env)).not.toContain('{cipher}');
    expect(server.log.lines.some((l) => l.level === 'warn' && l.msg.startsWith('Cannot decrypt key: api.key'))).toBe(
      true,
    );
    const props = (await get('/user-default.properties')).body;
    expect(props).toContain('database.password: db-p4ss');
    expect(props).toContain('invalid.api.key: <n/a>');
  });

  it('notices a new commit within a second by polling', async () => {
    const started = Date.now();
    const next = repo.commit({ 'gateway.yml': `who: polled-${started}\n` });
    await waitFor(async () => (await get('/gateway/default')).json().version === next, {
      timeoutMs: 1000,
      intervalMs: 20,
      what: 'the new commit',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('checks at once on POST /monitor (webhook body or none), only with the webhook secret', async () => {
    await server.watcher.stop(); // no polling: only the webhook can notice now
    const next = repo.commit({ 'gateway.yml': 'who: monitored\n' });
    const payload = JSON.stringify({ ref: 'refs/heads/main', commits: [{ modified: ['gateway.yml'] }] });
    const github = { 'content-type': 'application/json', 'x-github-event': 'push' };
    for (const headers of [
      github,
      { ...github, 'x-hub-signature-256': githubSignature(`${payload} `) },
      { ...github, 'x-hub-signature-256': 'sha256=00' },
      { ...github, 'x-gitlab-token': 'wrong' },
      { ...github, authorization: 'Bearer wrong' },
      { ...github, authorization: `Basic ${btoa(`x:${MONITOR_SECRET}`)}` },
    ]) {
      const refused = await server.app.inject({ method: 'POST', url: '/monitor', headers, payload });
      expect(refused.statusCode, JSON.stringify(headers)).toBe(401);
    }
    expect(server.repository.current?.commit).not.toBe(next);
    const res = await server.app.inject({
      method: 'POST',
      url: '/monitor',
      headers: { ...github, 'x-hub-signature-256': githubSignature(payload) },
      payload,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ version: next, changed: true, applications: ['gateway'] });
    const again = await server.app.inject({
      method: 'POST',
      url: '/monitor',
      headers: { 'content-type': 'application/json', 'x-gitlab-token': MONITOR_SECRET },
    });
    expect(again.statusCode).toBe(200);
    const bearer = await server.app.inject({
      method: 'POST',
      url: '/monitor',
      headers: { authorization: `Bearer ${MONITOR_SECRET}` },
    });
    expect(bearer.statusCode).toBe(200);
    expect(again.json()).toEqual({ version: next, changed: false, applications: [] });
  });
});

import { request } from 'node:http';
import { Topics, topicSpecs } from '@phzzk/contracts';
import { ensureTopics, type RunningService } from '@phzzk/kit';
import { KafkaProbe, testInfra, waitFor } from '@phzzk/testing';
import cloudConfigClient from 'cloud-config-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { configSchema } from '../src/service.ts';
import { startConfigServer } from './support/config-app.ts';
import { GitFixture } from './support/git-fixture.ts';

const READ_PASSWORD = 'change-bus-read-password';
const asReader = { headers: { authorization: `Basic ${btoa(`phzzk:${READ_PASSWORD}`)}` } };
/** The server's URL with the read credentials in it, as services and Spring clients are given it. */
const withCredentials = (url: string) => url.replace('http://', `http://phzzk:${READ_PASSWORD}@`);

type Health = { status: string; checks: Record<string, { status: string; detail?: string; critical: boolean }> };
const healthOf = async (url: string) => (await (await fetch(`${url}/health`)).json()) as Health;

/** A GET sent as written: no client-side `..` normalisation. */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, agent: false, headers: asReader.headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('config server process: git + Kafka change bus', () => {
  let repo: GitFixture;
  let probe: KafkaProbe;
  let server: RunningService<typeof configSchema>;
  let brokers: string[];

  beforeAll(async () => {
    brokers = (await testInfra()).kafkaBrokers;
    await ensureTopics(brokers, topicSpecs([Topics.configChanged]));
    probe = await KafkaProbe.start(brokers, [Topics.configChanged]);
    repo = new GitFixture({ 'application.yml': 'a: 1\n', 'gateway.yml': 'gateway:\n  timeout-ms: 1000\n' });
    server = await startConfigServer(repo.dir, {
      KAFKA_BROKERS: brokers.join(','),
      CONFIG_GIT_POLL_MS: '200',
      CONFIG_SECURITY_PASSWORD: READ_PASSWORD,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await probe?.stop();
    repo?.remove();
  });

  const changes = (version: string) =>
    probe.messages.filter(
      (m) => m.event?.type === 'config.changed' && (m.event.data as { version: string }).version === version,
    );

  it('announces the version it starts on to everyone', async () => {
    const start = repo.head();
    const message = await probe.waitFor((m) => (m.event?.data as { version?: string })?.version === start);
    expect(message.key).toBe('*');
    expect(message.event).toMatchObject({
      type: 'config.changed',
      producer: 'config',
      data: { application: '*', version: start },
    });
  });

  it('publishes config.changed keyed by the application whose file changed, within a second', async () => {
    const t0 = Date.now();
    const version = repo.commit({ 'gateway.yml': 'gateway:\n  timeout-ms: 2000\n' });
    const message = await probe.waitFor((m) => (m.event?.data as { version?: string })?.version === version, 5000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(message.key).toBe('gateway');
    expect(message.event?.data).toEqual({ application: 'gateway', version, changedFiles: ['gateway.yml'] });

    const shared = repo.commit({ 'application-dev.yml': 'b: 2\n' });
    const all = await probe.waitFor((m) => (m.event?.data as { version?: string })?.version === shared, 5000);
    expect(all.key).toBe('*');
  });

  it('does not announce or serve a commit whose YAML is broken; /health says so, not critically', async () => {
    const good = repo.head();
    const broken = repo.commit({ 'gateway.yml': 'gateway: [broken\n' });
    const health = await waitFor(
      async () => {
        const h = await healthOf(server.url);
        return h.checks['repository.latest']?.status === 'down' ? h : undefined;
      },
      { timeoutMs: 5000, what: 'the broken commit on /health' },
    );
    expect(health.status).toBe('up');
    expect(health.checks['repository.latest']).toMatchObject({ critical: false });
    expect(health.checks['repository.latest']?.detail).toMatch(/gateway\.yml/);
    expect(health.checks.repository).toMatchObject({ status: 'up', detail: `main at ${good}` });
    expect(
      ((await (await fetch(`${server.url}/gateway/default`, asReader)).json()) as { version: string }).version,
    ).toBe(good);
    const fixed = repo.commit({ 'gateway.yml': 'gateway:\n  timeout-ms: 3000\n' });
    await probe.waitFor((m) => (m.event?.data as { version?: string })?.version === fixed, 5000);
    expect(changes(broken)).toHaveLength(0);
    expect((await healthOf(server.url)).checks['repository.latest']?.status).toBe('up');
  });

  it('is read by a third-party Spring Cloud Config client (cloud-config-client on npm), with credentials', async () => {
    await expect(cloudConfigClient.load({ endpoint: server.url, name: 'gateway' })).rejects.toThrow(/401/);
    const endpoint = withCredentials(server.url);
    const config = await cloudConfigClient.load({ endpoint, name: 'gateway', profiles: ['dev'] });
    expect(config.get('gateway.timeout-ms')).toBe(3000);
    expect(config.get('a')).toBe(1);
    expect(config.get('b')).toBe(2);
    expect(config.raw.version).toBe(repo.head());
    expect(config.toObject()).toMatchObject({ a: 1, b: 2, gateway: { 'timeout-ms': 3000 } });
    const labelled = await cloudConfigClient.load({ endpoint, name: 'gateway', label: 'main' });
    const viaAuth = await cloudConfigClient.load({
      endpoint: server.url,
      name: 'gateway',
      auth: { user: 'phzzk', pass: READ_PASSWORD },
    });
    expect(viaAuth.get('a')).toBe(1);
    expect(labelled.raw.label).toBe('main');
  });

  it('refuses a traversal sent raw, without client normalisation', async () => {
    for (const path of ['/gateway/../etc', '/gateway/dev/../../secrets', '/../../etc/passwd-dev.yml']) {
      const res = await rawGet(server.url, path);
      expect(res.status, path).toBe(400);
      // The kit's path decision refuses dot segments before the config routes see them.
      expect(JSON.parse(res.body).code, path).toMatch(/^(PATH_REFUSED|INVALID_NAME)$/);
    }
  });
});

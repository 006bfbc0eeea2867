import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics, topicSpecs } from '@phzzk/contracts';
import { testInfra, waitFor } from '@phzzk/testing';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '../discovery/static-discovery.ts';
import { EventProducer } from '../kafka/event-producer.ts';
import { ensureTopics } from '../kafka/topic-admin.ts';
import { createLogger } from '../logging/logger.ts';
import { type RunningService, startService } from '../runtime/start-service.ts';
import { BaseConfig } from './base-config.ts';
import { ConfigReloader } from './config-bus.ts';
import { ConfigServerClient, flattenEnvironment, type SpringEnvironment } from './config-server-client.ts';
import { LiveConfig } from './live-config.ts';

const logger = createLogger({ service: 'kit-test', instanceId: 'kit-test', level: 'silent' });
type Health = { status: string; checks: Record<string, { status: string; detail?: string; critical: boolean }> };
const healthOf = async (url: string) => (await (await fetch(`${url}/health`)).json()) as Health;
const schema = Type.Object({
  ...BaseConfig,
  'greeting.text': Type.String({ default: 'default' }),
  'limits.max': Type.Integer({ default: 1, minimum: 1 }),
  'kafka.brokers': Type.Array(Type.String(), { default: ['127.0.0.1:9092'] }),
});

/** A stand-in Spring Cloud Config server: serves one Environment, counts requests, can go down. */
async function fakeConfigServer(application: string) {
  const state = {
    up: true,
    requests: 0,
    env: {
      name: application,
      profiles: ['default'],
      label: null,
      version: 'v1',
      state: null,
      propertySources: [{ name: 'repo/app.yml', source: { 'greeting.text': 'one' } as Record<string, unknown> }],
    } as SpringEnvironment,
  };
  const server: Server = createServer((req, res) => {
    state.requests++;
    if (!state.up || !req.url?.startsWith(`/${application}/`)) {
      res.statusCode = state.up ? 404 : 503;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(state.env));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    state,
    set(version: string, source: Record<string, unknown>) {
      state.env = { ...state.env, version, propertySources: [{ name: 'repo/app.yml', source }] };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('flattenEnvironment', () => {
  it('lets the most specific source win, takes lists whole from one source, and names them by their key', () => {
    const props = flattenEnvironment({
      name: 'gateway',
      profiles: ['dev'],
      label: null,
      version: 'v',
      propertySources: [
        {
          name: 'gateway-dev.yml',
          source: {
            who: 'dev',
            'kafka.brokers[0]': 'x:1',
            'gateway.routes[0].id': 'users',
            'gateway.routes[0].path': '/u/**',
          },
        },
        {
          name: 'application.yml',
          source: {
            who: 'app',
            shared: 1,
            'kafka.brokers[0]': 'a:1',
            'kafka.brokers[1]': 'b:1',
            'invalid.db.password': '<n/a>',
          },
        },
      ],
    });
    expect(props).toMatchObject({
      who: 'dev',
      shared: 1,
      'kafka.brokers': ['x:1'],
      'kafka.brokers[0]': 'x:1',
      'gateway.routes': [{ id: 'users', path: '/u/**' }],
    });
    expect(props['kafka.brokers[1]']).toBeUndefined();
  });
});

describe('ConfigReloader', () => {
  let cacheDir: string;
  beforeAll(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'phzzk-config-cache-'));
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('loads from the server and caches it owner-only; starts from the cache when the server is down', async () => {
    const server = await fakeConfigServer('cached');
    const client = () =>
      new ConfigServerClient({ uri: server.url, application: 'cached', profile: 'default', cacheDir });
    const live = new LiveConfig(schema, {});
    const reloader = new ConfigReloader({ client: client(), config: live, logger });
    await reloader.load();
    expect(reloader.state).toEqual({ ok: true, detail: 'config server, version v1' });
    expect(live.get('greeting.text')).toBe('one');
    expect(statSync(join(cacheDir, 'cached-default.json')).mode & 0o777).toBe(0o600);

    server.state.up = false;
    const restarted = new LiveConfig(schema, {});
    const fromCache = new ConfigReloader({ client: client(), config: restarted, logger, retryDelayMs: 60_000 });
    await fromCache.load();
    expect(restarted.get('greeting.text')).toBe('one');
    expect(restarted.version).toBe('v1');
    expect(fromCache.state.ok).toBe(false);
    expect(fromCache.state.detail).toMatch(/unreachable.*running on cached version v1/);

    // Back up: a refresh moves it to the server's configuration again.
    server.state.up = true;
    server.set('v2', { 'greeting.text': 'two' });
    await fromCache.refresh('test');
    expect(restarted.version).toBe('v2');
    expect(fromCache.state.ok).toBe(true);
    fromCache.close();
    reloader.close();
    await server.close();
  });

  it('keeps the values in force when the server sends a layer the schema refuses, and coalesces refreshes', async () => {
    const server = await fakeConfigServer('strict');
    const live = new LiveConfig(schema, {});
    const reloader = new ConfigReloader({
      client: new ConfigServerClient({ uri: server.url, application: 'strict', profile: 'default', cacheDir }),
      config: live,
      logger,
    });
    await reloader.load();
    server.set('v2', { 'limits.max': 0 });
    await reloader.refresh('bad');
    expect(live.version).toBe('v1');
    expect(reloader.state.detail).toMatch(/v2 refused.*limits\.max/);

    server.set('v3', { 'limits.max': 5 });
    const before = server.state.requests;
    await Promise.all([reloader.refresh('a'), reloader.refresh('b'), reloader.refresh('c'), reloader.refresh('d')]);
    expect(live.get('limits.max')).toBe(5);
    expect(server.state.requests - before).toBeLessThanOrEqual(2);
    reloader.close();
    await server.close();
  });

  it('starts on defaults when the server is down and nothing is cached, and says so', async () => {
    const live = new LiveConfig(schema, {});
    const reloader = new ConfigReloader({
      client: new ConfigServerClient({
        uri: 'http://127.0.0.1:1',
        application: 'nothing',
        profile: 'default',
        cacheDir,
      }),
      config: live,
      logger,
      retryDelayMs: 60_000,
    });
    await reloader.load();
    expect(live.get('greeting.text')).toBe('default');
    expect(reloader.state).toMatchObject({ ok: false });
    expect(reloader.state.detail).toMatch(/no cache/);
    reloader.close();
  });
});

describe('live reload over config.changed (real Kafka)', () => {
  let brokers: string[];
  let producer: EventProducer;
  const application = `kitbus${randomBytes(3).toString('hex')}`;
  let server: Awaited<ReturnType<typeof fakeConfigServer>>;
  let running: RunningService<typeof schema>;
  let cacheDir: string;

  beforeAll(async () => {
    brokers = (await testInfra()).kafkaBrokers;
    await ensureTopics(brokers, topicSpecs([Topics.configChanged]));
    producer = new EventProducer({ brokers, producer: 'config', logger });
    server = await fakeConfigServer(application);
    cacheDir = mkdtempSync(join(tmpdir(), 'phzzk-config-cache-'));
    running = await startService(
      { name: application, version: '0.0.1', configSchema: schema, build: async (ctx) => ctx.createApp() },
      {
        env: {
          CONFIG_URI: server.url,
          CONFIG_CACHE_DIR: cacheDir,
          KAFKA_BROKERS: brokers.join(','),
          LOG_LEVEL: 'silent',
          SERVER_PORT: '0',
        },
        discovery: new StaticDiscovery([]),
      },
    );
  });
  afterAll(async () => {
    await running?.stop();
    await producer?.close();
    await server?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const info = async () => (await (await fetch(`${running.url}/info`)).json()) as { configVersion: string };
  const announce = (app: string, version: string) =>
    producer.publish(
      Topics.configChanged,
      'config.changed',
      { application: app, version, changedFiles: [] },
      { key: app },
    );

  it('subscribes in a group of its own and applies a change for its application live', async () => {
    expect((await info()).configVersion).toBe('v1');
    // Consuming, and the refetch made on joining has happened: from here every change is seen.
    await waitFor(
      async () => (await healthOf(running.url)).checks.config?.status === 'up' && server.state.requests >= 2,
      {
        timeoutMs: 30_000,
        what: 'the config bus to join',
      },
    );
    const seen: string[][] = [];
    running.context.config.onChange((_next, changed) => {
      seen.push(changed);
    });
    server.set('v2', { 'greeting.text': 'two' });
    await announce(application, 'v2');
    await waitFor(async () => (await info()).configVersion === 'v2', { timeoutMs: 10_000, what: 'v2 on /info' });
    expect(running.context.config.get('greeting.text')).toBe('two');
    expect(seen).toEqual([['greeting.text']]);
  });

  it('ignores changes for other applications, and follows `*`', async () => {
    const before = server.state.requests;
    server.set('v3', { 'greeting.text': 'three' });
    await announce('someone-else', 'v3');
    await announce('*', 'v3');
    await waitFor(async () => (await info()).configVersion === 'v3', { timeoutMs: 10_000, what: 'v3 on /info' });
    // One fetch for `*`; none for the other application's event, which came first on the partition.
    expect(server.state.requests - before).toBe(1);
    const health = await healthOf(running.url);
    expect(health.checks.config).toMatchObject({ status: 'up', detail: 'config server, version v3', critical: false });
  });
});

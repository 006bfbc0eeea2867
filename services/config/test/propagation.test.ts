import { Topics, topicSpecs } from '@phzzk/contracts';
import { BaseConfig, ensureTopics, KafkaConfig, type RunningService, StaticDiscovery, startService } from '@phzzk/kit';
import { testInfra, waitFor } from '@phzzk/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { configService } from '../src/service.ts';
import { startConfigServer } from './support/config-app.ts';
import { GitFixture } from './support/git-fixture.ts';

type Health = { status: string; checks: Record<string, { status: string; detail?: string; critical: boolean }> };
const healthOf = async (url: string) => (await (await fetch(`${url}/health`)).json()) as Health;

const demoSchema = Type.Object({ ...BaseConfig, ...KafkaConfig, 'greeting.text': Type.String({ default: 'none' }) });
const demo = {
  name: 'demo',
  version: '0.0.1',
  configSchema: demoSchema,
  build: async (ctx: Parameters<(typeof configService)['build']>[0] | { createApp: () => never }) => ctx.createApp(),
};

describe('a commit reaches every running instance (git -> config server -> Kafka -> instances)', () => {
  const INSTANCES = 3;
  const ROUNDS = 10;
  let repo: GitFixture;
  let cacheDir: string;
  let server: RunningService<typeof configService.configSchema>;
  const instances: RunningService<typeof demoSchema>[] = [];
  let brokers: string[];

  beforeAll(async () => {
    brokers = (await testInfra()).kafkaBrokers;
    await ensureTopics(brokers, topicSpecs([Topics.configChanged]));
    repo = new GitFixture({ 'application.yml': 'greeting:\n  text: start\n' });
    cacheDir = mkdtempSync(join(tmpdir(), 'phzzk-config-cache-'));
    server = await startConfigServer(repo.dir, {
      KAFKA_BROKERS: brokers.join(','),
      CONFIG_SECURITY_PASSWORD: 'propagation-read-password',
    });
    for (let i = 0; i < INSTANCES; i++) {
      instances.push(
        await startService(demo as never, {
          env: {
            CONFIG_URI: server.url.replace('http://', 'http://phzzk:propagation-read-password@'),
            CONFIG_CACHE_DIR: cacheDir,
            KAFKA_BROKERS: brokers.join(','),
            SERVER_PORT: '0',
            LOG_LEVEL: 'silent',
          },
          discovery: new StaticDiscovery([]),
        }),
      );
    }
    // Every instance's bus has joined (config check up) before the clock starts.
    await waitFor(
      async () => {
        const checks = await Promise.all(instances.map(async (s) => (await healthOf(s.url)).checks.config?.status));
        return checks.every((c) => c === 'up');
      },
      { timeoutMs: 60_000, what: 'every instance to follow config.changed' },
    );
  });
  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
    await server?.stop();
    repo?.remove();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  const versions = () =>
    Promise.all(
      instances.map(
        async (s) => ((await (await fetch(`${s.url}/info`)).json()) as { configVersion: string }).configVersion,
      ),
    );

  it(`applies each commit on all ${INSTANCES} instances within 2 s (p50 and max reported)`, async () => {
    expect(new Set(await versions())).toEqual(new Set([repo.head()]));
    const timings: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      const version = repo.commit({ 'application.yml': `greeting:\n  text: round-${round}\n` });
      await waitFor(async () => (await versions()).every((v) => v === version), {
        timeoutMs: 5000,
        intervalMs: 10,
        what: `round ${round} everywhere`,
      });
      timings.push(performance.now() - t0);
      for (const s of instances) expect(s.context.config.get('greeting.text')).toBe(`round-${round}`);
    }
    const sorted = [...timings].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)] as number;
    const max = sorted[sorted.length - 1] as number;
    console.log(
      `config propagation, commit -> ${INSTANCES} instances' /info: p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms (${timings.map((t) => t.toFixed(0)).join(', ')})`,
    );
    expect(max).toBeLessThan(2000);
  });

  it('starts an instance from its cached configuration while the config server is down, and says so', async () => {
    const version = repo.head();
    // The cache is per application and profile; the instances above keep it, just after applying.
    await waitFor(() => JSON.parse(readFileSync(join(cacheDir, 'demo-default.json'), 'utf8')).version === version, {
      what: 'the cache to hold the last version',
    });
    const down = await startService(demo as never, {
      env: {
        CONFIG_URI: 'http://127.0.0.1:1',
        CONFIG_CACHE_DIR: cacheDir,
        CONFIG_BUS_ENABLED: 'false',
        SERVER_PORT: '0',
        LOG_LEVEL: 'silent',
      },
      discovery: new StaticDiscovery([]),
    });
    try {
      const info = (await (await fetch(`${down.url}/info`)).json()) as { configVersion: string };
      expect(info.configVersion).toBe(version);
      const health = await fetch(`${down.url}/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as Health;
      expect(body.checks.config).toMatchObject({ status: 'down', critical: false });
      expect(body.checks.config?.detail).toMatch(/unreachable.*cached version/);
    } finally {
      await down.stop();
    }
  });
});

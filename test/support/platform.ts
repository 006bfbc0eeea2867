import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureLocalCredentials,
  fixedPorts,
  type LocalCredentials,
  type RunRecord,
  readRunRecords,
  runDirOf,
} from '@phzzk/tools/orchestrator';
import { ApiClient, freePort, repoRoot, testInfra, uniqueName, waitFor } from '@phzzk/testing';

export interface Platform {
  home: string;
  env: NodeJS.ProcessEnv;
  gatewayUrl: string;
  gateway: ApiClient;
  rtmpPort: number;
  /** rtmp://127.0.0.1:<port>/live: append `/<stream key>`. */
  rtmpBase: string;
  /** The running service processes (from the run files). */
  instances(): RunRecord[];
  /** The run's local credentials (`$PHZZK_HOME/credentials.json`, made by `phzzk up`). */
  credentials: LocalCredentials;
  output(): string;
  down(): Promise<void>;
}

/** The last lines of every service log (what a failed start leaves to go on). */
export function logTails(home: string, lines = 15): string {
  const dir = join(home, 'logs');
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n');
}

/** `phzzk` commands still running (an `up` whose caller timed out), ended before an exit's `down`. */
const runningCommands = new Set<ChildProcess>();

export function phzzk(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'tools/phzzk/src/cli.ts'), ...args], { cwd: repoRoot, env });
    runningCommands.add(child);
    child.on('exit', () => runningCommands.delete(child));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * The whole platform as `npm start` runs it (`phzzk up --detach`), in its own PHZZK_HOME and
 * ports. Other platforms may share this Kafka/Redis/PostgreSQL (other test runs): the transcoder
 * gets its own consumer group and Redis key prefix (and the gateway's /hls route that prefix), so
 * no foreign transcoder can take our streams and ours takes none of theirs.
 */
export async function startPlatform(extraEnv: Record<string, string> = {}): Promise<Platform> {
  const infra = await testInfra();
  const home = mkdtempSync(join(tmpdir(), 'phzzk-live-'));
  const gatewayPort = await freePort();
  const rtmpPort = await freePort();
  const prefix = `${uniqueName('phzzk:live-test')}:`;
  const { defaultRoutes } = await import('../../services/gateway/src/service.ts');
  const routes = defaultRoutes.map((r) => (r.id === 'hls' ? { ...r, holderKey: `${prefix}holder:` } : r));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PHZZK_HOME: home,
    PHZZK_PORTS: `gateway=${gatewayPort},discovery=${await freePort()},config=${await freePort()},rtmp=${rtmpPort}`,
    DATABASE_URL: infra.databaseUrl,
    REDIS_URL: infra.redisUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    LOG_LEVEL: 'info',
    // `rtmp=` above for the orchestrator; the variable for one that does not know that name yet.
    INGEST_RTMP_PORT: String(rtmpPort),
    INGEST_RTMP_HOST: '127.0.0.1',
    TRANSCODER_CONSUMER_GROUP: uniqueName('transcoder-live'),
    // A new group reads from the end: sessions of earlier runs must not be picked up.
    TRANSCODER_CONSUMER_START_FROM: 'latest',
    TRANSCODER_REDIS_KEY_PREFIX: prefix,
    GATEWAY_ROUTES: JSON.stringify(routes),
    // Platforms started side by side share PostgreSQL and the packager's consumer group, so their
    // packagers act as one cluster (one may finalize or draw the storyboard of another's VOD):
    // like a real cluster they need one media storage. Sessions, VODs and clips have unique ids.
    STORAGE_ROOT: join(tmpdir(), 'phzzk-test-media'),
    // Every run on this machine signs up from 127.0.0.1, counted in the shared Redis: the limits
    // (tested in the gateway and auth suites) would refuse this run for what others did.
    GATEWAY_RATE_LIMIT_ENABLED: 'false',
    AUTH_SIGNUP_MAX_PER_IP: '1000000',
    ...extraEnv,
  };
  let output = '';
  // A start that outlives its hook's timeout leaves `up` running with nobody to stop what it
  // started (afterAll has no platform to stop): the worker stops it when it ends, synchronously.
  const downOnExit = () => {
    for (const command of runningCommands) command.kill('SIGKILL');
    spawnSync(process.execPath, [join(repoRoot, 'tools/phzzk/src/cli.ts'), 'down', '--keep-infra'], {
      cwd: repoRoot,
      env,
      stdio: 'ignore',
      timeout: 60_000,
    });
    rmSync(home, { recursive: true, force: true });
  };
  // vitest ends a worker with SIGTERM: stop the platform first, then end as the signal would have.
  const downOnSigterm = () => {
    downOnExit();
    process.exit(143);
  };
  process.once('exit', downOnExit);
  process.once('SIGTERM', downOnSigterm);
  const down = async () => {
    process.off('exit', downOnExit);
    process.off('SIGTERM', downOnSigterm);
    output += (await phzzk(['down', '--keep-infra'], env)).output;
    rmSync(home, { recursive: true, force: true });
  };
  const up = await phzzk(['up', '--detach'], env);
  output += up.output;
  if (up.code !== 0) {
    const logs = logTails(home);
    await down();
    throw new Error(`phzzk up failed (${up.code}):\n${up.output}\n${logs}`);
  }
  // The ports in effect (a caller may choose them with PHZZK_PORTS, e.g. to know the URL first).
  const ports = fixedPorts(env);
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  const platform: Platform = {
    home,
    env,
    gatewayUrl,
    gateway: new ApiClient(gatewayUrl),
    rtmpPort: ports.rtmp ?? rtmpPort,
    rtmpBase: `rtmp://127.0.0.1:${ports.rtmp ?? rtmpPort}/live`,
    instances: () => readRunRecords(runDirOf(repoRoot, env)),
    credentials: ensureLocalCredentials(home),
    output: () => output,
    down,
  };
  try {
    // `up` waits for /health 200; the transcoder's consumer group must also have joined, or a
    // stream.started published now would be skipped by its `latest` start.
    const transcoder = platform.instances().find((r) => r.service === 'transcoder');
    if (!transcoder) throw new Error('no transcoder instance is running');
    await waitFor(
      async () => {
        const health = (await (await fetch(`${transcoder.url}/health`)).json()) as {
          checks: Record<string, { status: 'up' | 'down' }>;
        };
        return health.checks['kafka-consumer']?.status === 'up';
      },
      { what: 'the transcoder to join its consumer group', timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (error) {
    await down();
    throw error;
  }
  return platform;
}

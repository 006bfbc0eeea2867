import { mkdirSync } from 'node:fs';
import { formatHostPort, isLocalHost, parseHostPort, parseRedisUrl, type RedisTarget } from './endpoints.ts';
import { tailFile } from './exec.ts';
import { logFile } from './paths.ts';
import { pollUntil } from './poll.ts';
import { isRunning, liveRecord, recordUntilReady, spawnDetached, withLock } from './process-registry.ts';
import { probeRedis } from './redis-probe.ts';
import { ensureSystemPackage } from './system-package.ts';
import type { ComponentContext, InfraComponentStatus } from './types.ts';

const NAME = 'redis';
const START_TIMEOUT_MS = 20_000;

/** Reuses a reachable Redis, else runs a memory-only redis-server with its dir in `.phzzk/redis`. */
export async function ensureRedis(ctx: ComponentContext, redisUrl: string): Promise<InfraComponentStatus> {
  const target = parseRedisUrl(redisUrl);
  const endpoint = formatHostPort(target);
  const state = await probeRedis(target);
  if (state === 'ready' || state === 'starting') {
    if (state === 'starting') await waitReady(ctx, target);
    return reachableStatus(ctx, endpoint);
  }
  if (state !== 'closed') {
    throw new Error(`port ${endpoint} is taken by something that is not Redis; free it or change REDIS_URL`);
  }
  if (!isLocalHost(target.host)) {
    throw new Error(`Redis at ${endpoint} (REDIS_URL) is not reachable, and PHZZK starts one only on this machine`);
  }
  return withLock(ctx.paths, NAME, async () => {
    if ((await probeRedis(target)) === 'ready') return reachableStatus(ctx, endpoint);
    const ours = liveRecord(ctx.paths, NAME);
    if (ours && ours.endpoint !== endpoint) {
      throw new Error(
        `PHZZK's Redis already runs at ${ours.endpoint} (pid ${ours.pid}); point REDIS_URL at it or stop it first (phzzk down)`,
      );
    }
    if (ours) {
      await waitReady(ctx, target, ours.pid);
      return { name: NAME, endpoint, state: 'running', pid: ours.pid };
    }
    const pid = await startRedis(ctx, target);
    return { name: NAME, endpoint, state: 'started', pid };
  });
}

export async function redisStatus(ctx: ComponentContext, redisUrl: string): Promise<InfraComponentStatus> {
  const ours = liveRecord(ctx.paths, NAME);
  const configured = parseRedisUrl(redisUrl);
  const endpoint = ours?.endpoint ?? formatHostPort(configured);
  const target = ours ? parseHostPort(ours.endpoint, configured.port) : configured;
  const pid = ours ? { pid: ours.pid } : {};
  if ((await probeRedis(target)) !== 'ready') return { name: NAME, endpoint, state: 'down', ...pid };
  return { name: NAME, endpoint, state: ours ? 'running' : 'reused', ...pid };
}

function reachableStatus(ctx: ComponentContext, endpoint: string): InfraComponentStatus {
  const ours = liveRecord(ctx.paths, NAME);
  if (ours && ours.endpoint === endpoint) return { name: NAME, endpoint, state: 'running', pid: ours.pid };
  return { name: NAME, endpoint, state: 'reused' };
}

/** The redis-server arguments: nothing persisted, loopback only, argv kept for pid checks. */
export function redisArgs(target: RedisTarget, dir: string): string[] {
  return [
    '--port',
    String(target.port),
    '--bind',
    target.host === 'localhost' ? '127.0.0.1' : target.host,
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    // Redis rewrites its process title by default, which would hide --dir from /proc/<pid>/cmdline.
    '--set-proc-title',
    'no',
    ...(target.password ? ['--requirepass', target.password] : []),
  ];
}

async function startRedis(ctx: ComponentContext, target: RedisTarget): Promise<number> {
  const { paths, log } = ctx;
  const binary = await ensureSystemPackage({ binary: 'redis-server', aptPackage: 'redis-server', log });
  mkdirSync(paths.redis, { recursive: true });
  const serverLog = logFile(paths, NAME);
  const started = Date.now();
  log(`redis: starting at ${formatHostPort(target)}; log ${serverLog}`);
  const pid = await spawnDetached({
    command: binary,
    args: redisArgs(target, paths.redis),
    logFile: serverLog,
    cwd: paths.redis,
  });
  const server = { name: NAME, pid, match: paths.redis, endpoint: formatHostPort(target), startedAtMs: started };
  return recordUntilReady(paths, log, { ...server, stopSignal: 'SIGTERM', logFile: serverLog }, () =>
    waitReady(ctx, target, pid),
  );
}

async function waitReady(ctx: ComponentContext, target: RedisTarget, pid?: number): Promise<void> {
  const serverLog = logFile(ctx.paths, NAME);
  await pollUntil(
    async () => {
      if ((await probeRedis(target, 1000)) === 'ready') return true;
      if (pid !== undefined && !isRunning(pid)) {
        throw new Error(`redis-server exited while starting; end of ${serverLog}:\n${tailFile(serverLog)}`);
      }
      return undefined;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 50, what: `Redis at ${formatHostPort(target)}` },
  );
}

// The web app as a platform service: build once (when its sources changed), run `next start` on
// a free port, wait until it answers /health, register it in discovery as `web` (the gateway
// serves it at `/`), write the run file the orchestrator reads, and stop it cleanly on a signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDiscovery, type DiscoveryClient } from '@phzzk/kit';
import { ensureBuilt } from './platform/build.ts';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(appDir, '..', '..');
const env = process.env;
const host = env.SERVER_HOST ?? '127.0.0.1';
const instanceId = env.INSTANCE_ID ?? `web-${randomBytes(4).toString('hex')}`;
const log = (line: string) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), service: 'web', instanceId, msg: line }));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`next start did not answer /health within ${timeoutMs / 1000} s`);
}

await ensureBuilt({ appDir, repoRoot, stateDir: join(repoRoot, '.phzzk'), log });
const port = Number(env.SERVER_PORT) > 0 ? Number(env.SERVER_PORT) : await freePort();
const url = `http://${host}:${port}`;
const gateway = env.WEB_GATEWAY_URL ?? env.PHZZK_GATEWAY_URL ?? 'http://127.0.0.1:8080';
const child = spawn(
  process.execPath,
  [join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', host],
  {
    cwd: appDir,
    stdio: 'inherit',
    env: { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', WEB_GATEWAY_URL: gateway },
  },
);
let stopping = false;
let discovery: DiscoveryClient | undefined;
child.on('exit', (code) => {
  if (stopping) return;
  log(`next start exited (${code}); stopping`);
  void discovery?.deregister().finally(() => process.exit(1));
  if (!discovery) process.exit(1);
});

try {
  await waitHealthy(url, child);
} catch (error) {
  log(String(error));
  child.kill('SIGKILL');
  process.exit(1);
}

discovery = createDiscovery({
  mode: (env.DISCOVERY_MODE as 'static' | 'eureka' | 'kubernetes' | undefined) ?? 'static',
  staticInstances: env.DISCOVERY_STATIC_INSTANCES ?? '',
  eurekaUrl: env.DISCOVERY_EUREKA_URL ?? 'http://127.0.0.1:8761/eureka',
});
await discovery.register({ serviceId: 'web', instanceId, host, port, status: 'UP', metadata: {} });
log(`web listening at ${url} (gateway ${gateway})`);

const runDir = env.PHZZK_RUN_DIR;
const runFile = runDir ? join(runDir, `${instanceId}.json`) : undefined;
if (runDir && runFile) {
  mkdirSync(runDir, { recursive: true });
  const partial = `${runFile}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify({ service: 'web', instanceId, pid: process.pid, url }));
  renameSync(partial, runFile);
  process.on('exit', () => rmSync(runFile, { force: true }));
}

const stop = async (signal: NodeJS.Signals) => {
  if (stopping) process.exit(130);
  stopping = true;
  log(`${signal}: leaving discovery, then stopping next`);
  await discovery?.deregister().catch(() => undefined);
  await new Promise((r) => setTimeout(r, env.DISCOVERY_MODE === 'eureka' ? 300 : 0));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  child.once('exit', () => {
    clearTimeout(timer);
    void discovery?.close().finally(() => process.exit(0));
  });
};
process.on('SIGTERM', (s) => void stop(s));
process.on('SIGINT', (s) => void stop(s));

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalCredentials, listServices, readRunRecords, runDirOf } from '@phzzk/tools/orchestrator';
import { ApiClient, freePort, repoRoot, testInfra, waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Runs the CLI; one still running after `timeoutMs` is stopped (SIGINT: it stops what it started)
 * and answers code -1 with what it printed so far, so that a slow start fails with its output.
 */
function phzzk(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'tools/phzzk/src/cli.ts'), ...args], { cwd: repoRoot, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[still running after ${timeoutMs} ms: stopped]`;
      child.kill('SIGINT');
      resolve({ code: -1, output });
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/**
 * The platform as `npm start` runs it: every service as its own process, on the real
 * infrastructure, in its own PHZZK_HOME and ports so that it never touches a running platform.
 */
describe('phzzk up / start / status / down (system)', () => {
  let env: NodeJS.ProcessEnv;
  let home: string;
  let gatewayPort: number;

  beforeAll(async () => {
    const infra = await testInfra();
    home = mkdtempSync(join(tmpdir(), 'phzzk-system-'));
    gatewayPort = await freePort();
    const ports = `gateway=${gatewayPort},discovery=${await freePort()},config=${await freePort()},rtmp=${await freePort()}`;
    env = {
      ...process.env,
      PHZZK_HOME: home,
      PHZZK_PORTS: ports,
      DATABASE_URL: infra.databaseUrl,
      REDIS_URL: infra.redisUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      LOG_LEVEL: 'info',
    };
  }, 60_000);

  afterAll(async () => {
    await phzzk(['down', '--keep-infra'], env);
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('starts every service healthy, adds an instance, and stops them all', async () => {
    const up = await phzzk(['up', '--detach'], env);
    expect(up.output).toMatch(/all healthy in/);
    expect(up.code).toBe(0);

    const services = listServices(repoRoot).map((s) => s.name);
    const running = readRunRecords(runDirOf(repoRoot, env));
    expect(new Set(running.map((r) => r.service))).toEqual(new Set(services));

    const gateway = new ApiClient(`http://127.0.0.1:${gatewayPort}`);
    // The gateway's checks are for operators (the token `npm start` made under PHZZK_HOME).
    const health = await gateway.get<{ status: string; checks: Record<string, { detail?: string }> }>('/health', {
      authorization: `Bearer ${ensureLocalCredentials(home)['gateway.operator-token']}`,
    });
    expect(health.status).toBe(200);
    expect(health.body.checks.services?.detail).toMatch(/user 1\/1/);
    expect(health.body.checks.services?.detail).toMatch(/config 1\/1/);
    // Routed through the gateway to the user service (its own 404 problem, not the gateway's).
    const missing = await gateway.get('/api/users/0190a6b0-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'USER_NOT_FOUND' });

    // Configuration comes from the config server (a git commit), discovery is Eureka.
    const info = await gateway.get<{ configVersion: string | null }>('/svc/user/info');
    expect(info.status).toBe(200);
    expect(info.body.configVersion).toMatch(/^[0-9a-f]{40}$/);

    const more = await phzzk(['start', 'user'], env);
    expect(more.code).toBe(0);
    const users = readRunRecords(runDirOf(repoRoot, env)).filter((r) => r.service === 'user');
    expect(users).toHaveLength(2);
    for (const u of users) expect((await fetch(`${u.url}/health`)).status).toBe(200);

    // The new instance joins routing through discovery's push watch, without a restart.
    const seen = new Set<string>();
    await waitFor(
      async () => {
        seen.add((await gateway.get<{ instanceId: string }>('/svc/user/info')).body.instanceId);
        return seen.size === 2;
      },
      { what: 'the gateway to route to both user instances', timeoutMs: 15_000 },
    );

    // A graceful stop under load: deregistered first, drained, no failed request.
    const failures: string[] = [];
    let loading = true;
    const loop = (async () => {
      while (loading) {
        const res = await gateway.get('/svc/user/info').catch((e: Error) => ({ status: 0, body: e.message }));
        if (res.status !== 200) failures.push(`${res.status} ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const leaving = users[0]!;
    process.kill(leaving.pid, 'SIGTERM');
    await waitFor(() => readRunRecords(runDirOf(repoRoot, env)).every((r) => r.pid !== leaving.pid), {
      what: 'the stopped instance to exit',
    });
    await new Promise((r) => setTimeout(r, 1000)); // keep the load on for a second after it left
    loading = false;
    await loop;
    expect(failures).toEqual([]);
    await phzzk(['start', 'user'], env);

    const status = await phzzk(['status'], env);
    expect(status.code).toBe(0);
    const now = readRunRecords(runDirOf(repoRoot, env));
    expect(now.filter((r) => r.service === 'user')).toHaveLength(2);
    for (const r of now) expect(status.output).toMatch(new RegExp(`${r.instanceId}.*healthy`));

    const pids = readRunRecords(runDirOf(repoRoot, env)).map((r) => r.pid);
    const down = await phzzk(['down', '--keep-infra'], env);
    expect(down.code).toBe(0);
    await waitFor(
      () =>
        pids.every((pid) => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        }),
      { what: 'every service process to exit', timeoutMs: 20_000 },
    );
    expect(readRunRecords(runDirOf(repoRoot, env))).toEqual([]);
  }, 360_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearStarting, isAlive, markStarting, type RunRecord, readRunRecords } from './run-files.ts';
import type { ServiceEntry } from './service-catalog.ts';

export interface LaunchOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  runDir: string;
  logDir: string;
  /** Detached processes outlive the CLI (`phzzk start <service>`, `npm start -- --detach`). */
  detached: boolean;
  timeoutMs?: number;
}

/**
 * Starts one instance of a service as its own process, logs to .phzzk/logs/<service>-<n>.log,
 * and resolves once it has written its run file and its /health answers 200.
 */
export async function launchInstance(service: ServiceEntry, options: LaunchOptions): Promise<RunRecord> {
  mkdirSync(options.logDir, { recursive: true });
  mkdirSync(options.runDir, { recursive: true });
  const before = new Set(readRunRecords(options.runDir).map((r) => r.instanceId));
  const index = [...before].filter((id) => id.startsWith(`${service.name}-`)).length + 1;
  const logFile = join(options.logDir, `${service.name}-${index}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...service.nodeArgs, service.main], {
    cwd: options.root,
    env: { ...options.env, PHZZK_RUN_DIR: options.runDir },
    stdio: ['ignore', fd, fd],
    // Own process group: a terminal Ctrl-C reaches only the CLI, which then stops services in order.
    detached: true,
  });
  closeSync(fd);
  if (options.detached) child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${service.name}`);
  markStarting(options.runDir, pid, service.main);
  try {
    return await untilHealthy(service, child, pid, logFile, options);
  } finally {
    clearStarting(options.runDir, pid);
  }
}

async function untilHealthy(
  service: ServiceEntry,
  child: ChildProcess,
  pid: number,
  logFile: string,
  options: LaunchOptions,
): Promise<RunRecord> {
  const timeoutMs = options.timeoutMs ?? service.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastHealth = 'no run file yet (still building or listening)';
  for (;;) {
    if (!isAlive(pid) || child.exitCode !== null) {
      throw new Error(`${service.name} exited during start; see ${logFile}${logTail(logFile)}`);
    }
    const record = readRunRecords(options.runDir).find((r) => r.pid === pid);
    if (record) {
      const answer = await fetch(`${record.url}/health`, { signal: AbortSignal.timeout(2000) })
        .then(async (r) => ({ ok: r.status === 200, text: `${r.status} ${await r.text()}` }))
        .catch((error: Error) => ({ ok: false, text: `no answer: ${error.message}` }));
      if (answer.ok) return record;
      lastHealth = answer.text;
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(
        `${service.name} did not become healthy within ${timeoutMs / 1000} s; see ${logFile}\n` +
          `last /health: ${lastHealth.slice(0, 2000)}${logTail(logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The end of a service's log, so that a failed start explains itself where it is reported (CI). */
function logTail(logFile: string, lines = 25): string {
  try {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines);
    return `\n--- last ${tail.length} lines of ${logFile} ---\n${tail.map((l) => l.slice(0, 600)).join('\n')}`;
  } catch {
    return '';
  }
}

/** SIGTERM each process, wait for it to exit, SIGKILL after the timeout. */
export async function stopInstances(records: { pid: number }[], timeoutMs = 15_000): Promise<void> {
  await Promise.all(
    records.map(async (r) => {
      try {
        process.kill(r.pid, 'SIGTERM');
      } catch {
        return;
      }
      const deadline = Date.now() + timeoutMs;
      while (isAlive(r.pid) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      if (isAlive(r.pid)) process.kill(r.pid, 'SIGKILL');
    }),
  );
}

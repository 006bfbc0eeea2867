import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from './paths.ts';
import { pollUntil } from './poll.ts';
import type { Log } from './types.ts';

/**
 * A process PHZZK started. `<name>.pid` holds the pid alone (what other tools expect of a pid
 * file); `<name>.json` holds the rest. `match` is an argument the process's command line must
 * contain, so that a pid reused by an unrelated process after a reboot is never signalled.
 */
export interface ManagedProcess {
  name: string;
  pid: number;
  match: string;
  endpoint: string;
  /** PostgreSQL wants SIGINT (fast shutdown); SIGTERM would wait for every client to leave. */
  stopSignal: NodeJS.Signals;
  logFile: string;
  startedAt: string;
}

export function writeRecord(paths: StatePaths, record: ManagedProcess): void {
  writeFileSync(join(paths.run, `${record.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(paths.run, `${record.name}.pid`), `${record.pid}\n`);
}

export function removeRecord(paths: StatePaths, name: string): void {
  rmSync(join(paths.run, `${name}.pid`), { force: true });
  rmSync(join(paths.run, `${name}.json`), { force: true });
}

export function readRecord(paths: StatePaths, name: string): ManagedProcess | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(paths.run, `${name}.pid`), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  let meta: Partial<ManagedProcess> = {};
  try {
    meta = JSON.parse(readFileSync(join(paths.run, `${name}.json`), 'utf8')) as Partial<ManagedProcess>;
  } catch {
    // Without metadata the state dir is the only thing the command line can be checked against.
  }
  return {
    name,
    pid,
    match: meta.match ?? paths.state,
    endpoint: meta.endpoint ?? '',
    stopSignal: meta.stopSignal ?? 'SIGTERM',
    logFile: meta.logFile ?? '',
    startedAt: meta.startedAt ?? '',
  };
}

export function listRecords(paths: StatePaths): ManagedProcess[] {
  let files: string[];
  try {
    files = readdirSync(paths.run);
  } catch {
    return [];
  }
  return files
    .filter((f) => f.endsWith('.pid'))
    .map((f) => readRecord(paths, f.slice(0, -'.pid'.length)))
    .filter((r): r is ManagedProcess => r !== undefined);
}

/** The argv of a live process, or undefined when it is gone (or a zombie, whose cmdline is empty). */
export function readCmdline(pid: number): string[] | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  if (raw.length === 0) return undefined;
  return raw.replace(/\0$/, '').split('\0');
}

/**
 * Whether an argv belongs to the process we recorded: some argument equals `match` (or is
 * `--option=match`). Whole arguments only, so `/x/.phzzk/redis` does not match `/x/.phzzk/redis2`.
 */
export function cmdlineMatches(argv: string[] | undefined, match: string): boolean {
  if (!argv || match === '') return false;
  return argv.some((arg) => arg === match || arg.endsWith(`=${match}`));
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // A zombie still answers kill(0) until its parent reaps it; it is gone for our purposes.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Our record for `name` if its process still runs; a stale record is removed. */
export function liveRecord(paths: StatePaths, name: string): ManagedProcess | undefined {
  const record = readRecord(paths, name);
  if (!record) return undefined;
  if (isRunning(record.pid) && cmdlineMatches(readCmdline(record.pid), record.match)) return record;
  removeRecord(paths, name);
  return undefined;
}

/**
 * Starts a long-running server in its own session (so Ctrl-C on the CLI does not reach it) with
 * stdout and stderr appended to `logFile`, and lets this process exit without waiting for it.
 */
export function spawnDetached(opts: {
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<number> {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    return new Promise((resolvePromise, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolvePromise(child.pid!);
      });
    });
  } finally {
    closeSync(fd);
  }
}

/** Signals a recorded process (after checking it is still ours), escalating to SIGKILL after `graceMs`. */
export async function stopProcess(
  paths: StatePaths,
  record: ManagedProcess,
  log: Log,
  graceMs = 15_000,
): Promise<void> {
  const ours = () => isRunning(record.pid) && cmdlineMatches(readCmdline(record.pid), record.match);
  if (!ours()) {
    log(`${record.name}: not running (pid ${record.pid}); removing its pid file`);
    removeRecord(paths, record.name);
    return;
  }
  log(`${record.name}: stopping pid ${record.pid} (${record.stopSignal})`);
  signal(record.pid, record.stopSignal);
  try {
    await pollUntil(async () => (isRunning(record.pid) ? undefined : true), {
      timeoutMs: graceMs,
      intervalMs: 100,
      what: `${record.name} to stop`,
    });
  } catch {
    log(`${record.name}: still running after ${graceMs} ms; sending SIGKILL`);
    signal(record.pid, 'SIGKILL');
    await pollUntil(async () => (isRunning(record.pid) ? undefined : true), {
      timeoutMs: 5000,
      intervalMs: 100,
      what: `${record.name} to die`,
    }).catch(() => log(`${record.name}: pid ${record.pid} did not die after SIGKILL`));
  }
  removeRecord(paths, record.name);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * A cross-process lock (`<name>.lock` holding the owner's pid), so that two CLIs starting at
 * once do not both start a server. A lock whose owner died is taken over.
 */
export async function withLock<T>(
  paths: StatePaths,
  name: string,
  fn: () => Promise<T>,
  timeoutMs = 180_000,
): Promise<T> {
  const file = join(paths.run, `${name}.lock`);
  await pollUntil(
    async () => {
      try {
        writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let owner: number;
      try {
        owner = Number(readFileSync(file, 'utf8').trim());
        // Created but not yet written (or its writer died right then): stale only once it is old.
        if (!owner && Date.now() - statSync(file).mtimeMs > 5000) rmSync(file, { force: true });
      } catch {
        return undefined; // released between our attempt and the read
      }
      if (owner > 0 && owner !== process.pid && !isRunning(owner)) rmSync(file, { force: true });
      return undefined;
    },
    { timeoutMs, intervalMs: 250, what: `the ${name} lock (${file})` },
  );
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * Records a server PHZZK has just started and waits until `ready` resolves; a server that does not
 * get ready is stopped again, so that nothing half-started is left behind. Returns its pid.
 */
export async function recordUntilReady(
  paths: StatePaths,
  log: Log,
  started: Omit<ManagedProcess, 'startedAt'> & { startedAtMs: number },
  ready: () => Promise<void>,
): Promise<number> {
  const { startedAtMs, ...server } = started;
  writeRecord(paths, { ...server, startedAt: new Date().toISOString() });
  try {
    await ready();
  } catch (err) {
    const record = liveRecord(paths, server.name);
    if (record) await stopProcess(paths, record, log);
    throw err;
  }
  log(`${server.name}: ready at ${server.endpoint} in ${Date.now() - startedAtMs} ms (pid ${server.pid})`);
  return server.pid;
}

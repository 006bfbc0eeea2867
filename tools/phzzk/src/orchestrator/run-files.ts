import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cmdlineMatches, readCmdline } from '../infra/process-registry.ts';

export interface RunRecord {
  service: string;
  instanceId: string;
  pid: number;
  url: string;
  file: string;
}

/** What service processes are running, from the run files they write while they live. */
export function readRunRecords(runDir: string): RunRecord[] {
  if (!existsSync(runDir)) return [];
  const out: RunRecord[] = [];
  for (const name of readdirSync(runDir).filter((f) => f.endsWith('.json'))) {
    const file = join(runDir, name);
    let record: Omit<RunRecord, 'file'>;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as Omit<RunRecord, 'file'>;
    } catch {
      // Unreadable (or written by a process that writes run files in place): skipped, never
      // deleted, since a service may be writing it this very moment.
      continue;
    }
    if (isAlive(record.pid)) out.push({ ...record, file });
    else rmSync(file, { force: true }); // left behind by a process that was killed
  }
  return out.sort((a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A process being started has no run file until it listens: a `starting/<pid>` file (with its
 * main script) stands for it meanwhile, so that `down` also stops a start whose `up` was killed.
 */
export function markStarting(runDir: string, pid: number, main: string): void {
  mkdirSync(join(runDir, 'starting'), { recursive: true });
  writeFileSync(join(runDir, 'starting', String(pid)), main);
}

export function clearStarting(runDir: string, pid: number): void {
  rmSync(join(runDir, 'starting', String(pid)), { force: true });
}

/** Starts left behind: live processes still running the main they were started with (not a reused pid). */
export function readStarting(runDir: string): { pid: number; main: string }[] {
  const dir = join(runDir, 'starting');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const pid = Number(name);
    const main = readFileSync(join(dir, name), 'utf8');
    if (Number.isInteger(pid) && pid > 0 && cmdlineMatches(readCmdline(pid), main)) return [{ pid, main }];
    rmSync(join(dir, name), { force: true });
    return [];
  });
}

import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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

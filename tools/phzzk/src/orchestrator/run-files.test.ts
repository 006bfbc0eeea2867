import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearStarting, markStarting, readRunRecords, readStarting } from './run-files.ts';

describe('readRunRecords', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('lists live processes, removes files of dead ones, and leaves a file being written alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phzzk-run-'));
    dirs.push(dir);
    const live = { service: 'user', instanceId: 'user-1', pid: process.pid, url: 'http://127.0.0.1:1' };
    writeFileSync(join(dir, 'user-1.json'), JSON.stringify(live));
    // A pid far above pid_max: no such process.
    writeFileSync(join(dir, 'gone-1.json'), JSON.stringify({ ...live, instanceId: 'gone-1', pid: 2 ** 30 }));
    writeFileSync(join(dir, 'auth-1.json'), '{"service":"au'); // caught half-written
    writeFileSync(join(dir, 'auth-1.json.123.tmp'), '{}');

    expect(readRunRecords(dir).map((r) => r.instanceId)).toEqual(['user-1']);
    expect(existsSync(join(dir, 'gone-1.json'))).toBe(false);
    expect(existsSync(join(dir, 'auth-1.json'))).toBe(true);
  });

  it('keeps a start until it is cleared, and forgets one whose pid now runs something else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phzzk-run-'));
    dirs.push(dir);
    // This very process stands for a service start: its argv holds the script vitest runs.
    const main = process.argv[1] as string;
    markStarting(dir, process.pid, main);
    markStarting(dir, 2 ** 30, main); // gone
    expect(readStarting(dir)).toEqual([{ pid: process.pid, main }]);
    expect(readRunRecords(dir)).toEqual([]); // never mistaken for a run file
    clearStarting(dir, process.pid);
    expect(readStarting(dir)).toEqual([]);
    // A pid reused by another program is not ours to stop.
    markStarting(dir, process.pid, '/somewhere/services/user/src/main.ts');
    expect(readStarting(dir)).toEqual([]);
  });
});

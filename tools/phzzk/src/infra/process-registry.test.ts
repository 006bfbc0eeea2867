import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureStateDirs, statePaths } from './paths.ts';
import { pollUntil } from './poll.ts';
import {
  cmdlineMatches,
  isRunning,
  listRecords,
  liveRecord,
  type ManagedProcess,
  readCmdline,
  readRecord,
  removeRecord,
  spawnDetached,
  stopProcess,
  withLock,
  writeRecord,
} from './process-registry.ts';

const root = mkdtempSync(join(tmpdir(), 'phzzk-registry-'));
const paths = statePaths(root);
ensureStateDirs(paths);
const spawned: number[] = [];

afterAll(() => {
  for (const pid of spawned) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});

function record(name: string, pid: number, match: string): ManagedProcess {
  return { name, pid, match, endpoint: '127.0.0.1:1', stopSignal: 'SIGTERM', logFile: '', startedAt: '' };
}

describe('cmdlineMatches', () => {
  const argv = ['/usr/bin/redis-server', '--dir', '/x/.phzzk/redis', '--config=/x/.phzzk/k.properties'];

  it('matches whole arguments and --option=value', () => {
    expect(cmdlineMatches(argv, '/x/.phzzk/redis')).toBe(true);
    expect(cmdlineMatches(argv, '/x/.phzzk/k.properties')).toBe(true);
  });

  it('does not match prefixes, empty markers or missing processes', () => {
    expect(cmdlineMatches(argv, '/x/.phzzk/red')).toBe(false);
    expect(cmdlineMatches(['/usr/bin/redis-server', '--dir', '/x/.phzzk/redis2'], '/x/.phzzk/redis')).toBe(false);
    expect(cmdlineMatches(argv, '')).toBe(false);
    expect(cmdlineMatches(undefined, '/x')).toBe(false);
  });
});

describe('pid files', () => {
  it('round-trips a record: a bare pid file plus metadata', () => {
    writeRecord(paths, { ...record('one', 4242, '/m'), stopSignal: 'SIGINT' });
    expect(readRecord(paths, 'one')).toMatchObject({ pid: 4242, match: '/m', stopSignal: 'SIGINT' });
    expect(listRecords(paths).map((r) => r.name)).toContain('one');
    removeRecord(paths, 'one');
    expect(readRecord(paths, 'one')).toBeUndefined();
  });

  it('falls back to the state dir as marker when the metadata is lost', () => {
    writeFileSync(join(paths.run, 'bare.pid'), '77\n');
    expect(readRecord(paths, 'bare')).toMatchObject({ pid: 77, match: paths.state, stopSignal: 'SIGTERM' });
    removeRecord(paths, 'bare');
  });

  it('reads this process’s command line and sees it running', () => {
    expect(readCmdline(process.pid)?.[0]).toMatch(/node/);
    expect(isRunning(process.pid)).toBe(true);
  });

  it('drops a record whose pid now belongs to another program', () => {
    writeRecord(paths, record('reused', process.pid, '/not/in/our/cmdline'));
    expect(liveRecord(paths, 'reused')).toBeUndefined();
    expect(readRecord(paths, 'reused')).toBeUndefined();
  });
});

describe('spawnDetached and stopProcess', () => {
  it('starts a process with its output in a log file and stops it with SIGTERM', async () => {
    const marker = `phzzk-test-${process.pid}-term`;
    const pid = await spawnDetached({
      command: '/bin/sh',
      args: ['-c', 'echo started; while :; do sleep 0.1; done', marker],
      logFile: join(paths.logs, 'term.log'),
    });
    spawned.push(pid);
    writeRecord(paths, record('term', pid, marker));
    expect(liveRecord(paths, 'term')?.pid).toBe(pid);
    await stopProcess(paths, record('term', pid, marker), () => {});
    expect(isRunning(pid)).toBe(false);
    expect(readRecord(paths, 'term')).toBeUndefined();
  });

  it('escalates to SIGKILL when the process ignores its stop signal', async () => {
    const marker = `phzzk-test-${process.pid}-kill`;
    const pid = await spawnDetached({
      command: '/bin/sh',
      args: ['-c', "trap '' TERM; echo ready; while :; do sleep 0.1; done", marker],
      logFile: join(paths.logs, 'kill.log'),
    });
    spawned.push(pid);
    // Signalled before the shell ran `trap`, it would just die of SIGTERM.
    await pollUntil(
      async () => (readFileSync(join(paths.logs, 'kill.log'), 'utf8').includes('ready') ? true : undefined),
      {
        timeoutMs: 5000,
        intervalMs: 20,
        what: 'the trap to be set',
      },
    );
    const lines: string[] = [];
    await stopProcess(paths, record('kill', pid, marker), (l) => lines.push(l), 300);
    expect(isRunning(pid)).toBe(false);
    expect(lines.join('\n')).toMatch(/SIGKILL/);
  });

  it('leaves a process alone when its command line does not match', async () => {
    const lines: string[] = [];
    writeRecord(paths, record('mine', process.pid, '/not/in/our/cmdline'));
    await stopProcess(paths, record('mine', process.pid, '/not/in/our/cmdline'), (l) => lines.push(l));
    expect(isRunning(process.pid)).toBe(true);
    expect(lines.join('\n')).toMatch(/not running/);
  });
});

describe('withLock', () => {
  it('runs holders one at a time', async () => {
    const order: string[] = [];
    const hold = (tag: string) =>
      withLock(paths, 'l', async () => {
        order.push(`${tag}+`);
        await new Promise((r) => setTimeout(r, 50));
        order.push(`${tag}-`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);
  });

  it('takes over a lock whose owner died', async () => {
    writeFileSync(join(paths.run, 'stale.lock'), '999999999\n');
    expect(await withLock(paths, 'stale', async () => 'got it', 5000)).toBe('got it');
  });
});

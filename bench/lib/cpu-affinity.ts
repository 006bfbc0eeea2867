import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The CPUs this process may run on (its `Cpus_allowed_list`), e.g. "0-1,4" -> [0, 1, 4]. */
export function allowedCpus(): number[] {
  const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
  });
}

/** Lets every thread of each process run only on `cpus` (util-linux taskset). */
export function pin(pids: number[], cpus: number[]): void {
  for (const pid of pids) {
    execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', cpus.join(','), String(pid)], {
      stdio: 'ignore',
    });
  }
}

/**
 * Where the processes of a proxy benchmark run: the proxy under test on a CPU of its own (the
 * last), the load generator, the upstream and the benchmark itself on the others; undefined when
 * there is only one CPU or no taskset, and everything then shares.
 */
export function proxyPlacement(): { proxy: number[]; rest: number[] } | undefined {
  const cpus = allowedCpus();
  if (cpus.length < 2) return undefined;
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { proxy: cpus.slice(-1), rest: cpus.slice(0, -1) };
}

import { execFileSync, spawnSync } from 'node:child_process';

const softLimit = () => Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;

/**
 * Makes sure this benchmark (and what it starts: gateway, services, load processes) may open
 * `needed` file descriptors: if the soft limit is lower, runs the same script again under
 * `ulimit -n` (up to the hard limit, beyond it as root) and exits with its code. Node cannot
 * raise its own limit.
 */
export function ensureFileDescriptors(needed: number): void {
  if (process.env.PHZZK_BENCH_FDS_RAISED === '1' || softLimit() >= needed) return;
  const script = process.argv[1]!;
  const result = spawnSync(
    'sh',
    ['-c', `ulimit -n ${needed} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, script],
    { stdio: 'inherit', env: { ...process.env, PHZZK_BENCH_FDS_RAISED: '1' } },
  );
  process.exit(result.status ?? 1);
}

export { softLimit as fileDescriptorLimit };

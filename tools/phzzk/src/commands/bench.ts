import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInfra, stopInfra } from '../infra/index.ts';
import { benchNeeds, benchOrder } from './bench-needs.ts';
import { log, table } from './output.ts';

export interface BenchFigure {
  metric: string;
  value: number;
  unit: string;
  /** What the figure is measured against in the same run (bare ffmpeg, nginx, direct upstream ...). */
  reference?: string;
  target?: string;
}
export interface BenchResult {
  name: string;
  measuredAt: string;
  figures: BenchFigure[];
  notes?: string;
}

/**
 * `npm run bench`: runs every bench/*.bench.ts as its own process (one at a time, the machine is
 * small), each writing bench/results/<name>.json; then prints and writes a table of all figures.
 */
export async function runBench(root: string, args: string[]): Promise<number> {
  const benchDir = join(root, 'bench');
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const only = args.filter((a) => !a.startsWith('-'));
  const files = existsSync(benchDir)
    ? readdirSync(benchDir)
        .filter((f) => f.endsWith('.bench.ts'))
        .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
        .sort()
    : [];
  if (files.length === 0) {
    log('no benchmarks found in bench/');
    return 0;
  }
  const benches = benchOrder(
    files.map((file) => ({ file, needs: benchNeeds(readFileSync(join(benchDir, file), 'utf8'), file) })),
  );
  const started: string[] = [];
  let failed = 0;
  try {
    for (const { file, needs } of benches) {
      // What this benchmark uses, and nothing more (what an earlier one started stays up).
      const infra = await ensureInfra({ root, env: process.env, log, need: needs });
      started.push(...infra.components.filter((c) => c.state === 'started').map((c) => c.name));
      const env = {
        ...process.env,
        DATABASE_URL: infra.endpoints.databaseUrl,
        REDIS_URL: infra.endpoints.redisUrl,
        KAFKA_BROKERS: infra.endpoints.kafkaBrokers.join(','),
        BENCH_RESULTS_DIR: resultsDir,
      };
      log(`bench ${file}`);
      const code = await new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [join(benchDir, file)], { cwd: root, env, stdio: 'inherit' });
        child.on('exit', (c) => resolve(c ?? 1));
      });
      if (code !== 0) failed++;
    }
  } finally {
    if (started.length > 0 && process.env.PHZZK_KEEP_INFRA !== '1') await stopInfra({ root, log });
  }
  const results = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as BenchResult);
  const rows = results.flatMap((r) =>
    r.figures.map((f) => [r.name, f.metric, `${f.value} ${f.unit}`.trim(), f.reference ?? '', f.target ?? '']),
  );
  const text = table(['benchmark', 'metric', 'value', 'against', 'target'], rows);
  writeFileSync(
    join(resultsDir, 'table.md'),
    `${toMarkdown(['benchmark', 'metric', 'value', 'against', 'target'], rows)}\n`,
  );
  console.log(`\n${text}\n`);
  return failed === 0 ? 0 : 1;
}

function toMarkdown(headers: string[], rows: string[][]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

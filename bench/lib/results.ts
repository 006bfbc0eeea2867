import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Figure {
  metric: string;
  value: number;
  unit: string;
  /** What it is measured against in the same run (bare ffmpeg, nginx, direct upstream ...). */
  reference?: string;
  target?: string;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Writes bench/results/<name>.json (the `npm run bench` table is made from these files). */
export function writeResult(name: string, figures: Figure[], notes?: string): void {
  const dir = process.env.BENCH_RESULTS_DIR ?? join(import.meta.dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const result = { name, measuredAt: new Date().toISOString(), figures, ...(notes ? { notes } : {}) };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  for (const f of figures) {
    console.log(
      `  ${f.metric}: ${f.value} ${f.unit}${f.reference ? ` (vs ${f.reference})` : ''}${f.target ? ` [target ${f.target}]` : ''}`,
    );
  }
}

import type { EnsureInfraOptions } from '../infra/index.ts';

export type BenchNeeds = Required<NonNullable<EnsureInfraOptions['need']>>;

const COMPONENTS = ['postgres', 'redis', 'kafka', 'ffmpeg', 'chromium', 'nginx', 'gstreamer'] as const;
const NEEDS_LINE = /^\/\/ bench-needs:(.*)$/m;

/** What a benchmark that declares nothing gets: the whole platform's infrastructure. */
const EVERYTHING: BenchNeeds = {
  postgres: true,
  redis: true,
  kafka: true,
  ffmpeg: true,
  chromium: true,
  nginx: true,
  gstreamer: false,
};

/**
 * The infrastructure a benchmark declares in its source with a `// bench-needs: kafka nginx ...`
 * line (an empty list: none). Without that line it gets everything, so a benchmark never runs
 * without what it uses; with it, nothing it does not use (a Kafka broker idling beside a latency
 * measurement is noise on a 2-core machine).
 */
export function benchNeeds(source: string, file: string): BenchNeeds {
  const line = NEEDS_LINE.exec(source);
  if (!line) return { ...EVERYTHING };
  const names = line[1]!.trim().split(/\s+/).filter(Boolean);
  const needs = Object.fromEntries(COMPONENTS.map((c) => [c, false])) as BenchNeeds;
  for (const name of names) {
    if (!(COMPONENTS as readonly string[]).includes(name)) {
      throw new Error(`${file}: bench-needs names "${name}"; known: ${COMPONENTS.join(', ')}`);
    }
    needs[name as keyof BenchNeeds] = true;
  }
  return needs;
}

/** Benchmarks without Kafka first: they then run before any broker is started. */
export function benchOrder<T extends { file: string; needs: BenchNeeds }>(benches: T[]): T[] {
  return [...benches].sort((a, b) => Number(a.needs.kafka) - Number(b.needs.kafka) || a.file.localeCompare(b.file));
}

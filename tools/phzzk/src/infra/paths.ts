import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where PHZZK keeps the state of the infrastructure it runs itself: all under `<root>/.phzzk/`. */
export interface StatePaths {
  state: string;
  /** pid files and their metadata, one pair per process PHZZK started */
  run: string;
  logs: string;
  postgres: string;
  redis: string;
  kafka: string;
}

export function statePaths(root: string): StatePaths {
  // Absolute and normalised: these paths are matched against /proc/<pid>/cmdline later.
  const state = join(resolve(root), '.phzzk');
  return {
    state,
    run: join(state, 'run'),
    logs: join(state, 'logs'),
    postgres: join(state, 'postgres'),
    redis: join(state, 'redis'),
    kafka: join(state, 'kafka'),
  };
}

export function ensureStateDirs(paths: StatePaths): void {
  mkdirSync(paths.run, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
}

export function logFile(paths: StatePaths, name: string): string {
  return join(paths.logs, `${name}.log`);
}

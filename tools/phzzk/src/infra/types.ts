import type { StatePaths } from './paths.ts';

export interface InfraEndpoints {
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
}

/**
 * 'reused': reachable and not started by PHZZK; 'started': PHZZK started it during this call;
 * 'running': PHZZK started it earlier and it still serves; 'down': not serving.
 */
export interface InfraComponentStatus {
  name: string;
  endpoint: string;
  state: 'reused' | 'started' | 'running' | 'down';
  pid?: number;
}

export type Log = (line: string) => void;

/** What each component module gets: where state lives, where to report, the environment. */
export interface ComponentContext {
  paths: StatePaths;
  env: NodeJS.ProcessEnv;
  log: Log;
}

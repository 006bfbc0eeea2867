import {
  buildServiceApp,
  createLogger,
  createMetricsRegistry,
  HealthRegistry,
  StaticDiscovery,
  startService,
} from '@phzzk/kit';
import { GitMirror } from '../../src/adapters/git-mirror.ts';
import { build } from '../../src/app.ts';
import { ChangeWatcher } from '../../src/domain/change-watcher.ts';
import { type CipherKey, decryptValue } from '../../src/domain/cipher.ts';
import { ConfigRepository } from '../../src/domain/config-repository.ts';
import type { ChangePublisher, Log } from '../../src/domain/ports.ts';
import { configService } from '../../src/service.ts';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A Log that keeps what it was told, to assert on. */
export function captureLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

/** The config server's app over a real git repository, in process (drive it with inject()). */
export async function configApp(
  repoDir: string,
  options: {
    key?: CipherKey | null;
    adminToken?: string;
    decryptEnabled?: boolean;
    publisher?: ChangePublisher;
    pollMs?: number;
    /** Reads need these when given (the service always gives them unless security is off). */
    readCredentials?: { username: string; password: string };
    monitorSecret?: string;
  } = {},
) {
  const log = captureLog();
  const key = options.key ?? null;
  const git = new GitMirror({ uri: repoDir, timeoutMs: 10_000 });
  const repository = new ConfigRepository({
    git,
    uri: repoDir,
    defaultLabel: 'main',
    decrypt: key ? (t) => decryptValue(key, t) : null,
    log,
  });
  const watcher = new ChangeWatcher({
    git,
    repository,
    publisher: options.publisher ?? null,
    pollMs: options.pollMs ?? 100,
    log,
  });
  await watcher.start();
  const identity = { service: 'config', version: 'test', instanceId: 'config-test' };
  const app = await build({
    app: buildServiceApp({
      identity,
      logger: createLogger({ service: 'config', instanceId: 'config-test', level: 'silent' }),
      health: new HealthRegistry(),
      metrics: createMetricsRegistry('config', 'config-test'),
    }),
    repository,
    watcher,
    cipherKey: key,
    adminToken: options.adminToken,
    decryptEnabled: options.decryptEnabled ?? false,
    readCredentials: options.readCredentials,
    monitorSecret: options.monitorSecret,
  });
  return {
    app,
    repository,
    watcher,
    log,
    async close() {
      await app.close();
      await watcher.stop();
      await git.close();
    },
  };
}

/**
 * The config server as it runs (its real definition) on a free port, serving the git repository
 * `repoDir`, with `env` on top (e.g. KAFKA_BROKERS for the change bus, or CONFIG_BUS_ENABLED=false).
 */
export function startConfigServer(repoDir: string, env: Record<string, string>) {
  return startService(configService, {
    env: { CONFIG_GIT_URI: repoDir, SERVER_PORT: '0', LOG_LEVEL: 'silent', ...env },
    discovery: new StaticDiscovery([]),
  });
}

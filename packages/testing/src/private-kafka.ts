import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.ts';
import { repoRoot } from './infra.ts';

export interface PrivateKafka {
  brokers: string[];
  /** Stops the broker (SIGTERM, as an operator's restart would) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the broker and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A single-node Kafka broker of this test alone (its own port and data dir in a temporary
 * root), for faults that must not touch the shared broker: restarting it, for one. Started by
 * PHZZK's infrastructure code as `npm test` starts the shared one; the jars are linked from
 * the checkout's `.phzzk/` when present, else resolved by Maven (from ~/.m2 when cached).
 */
export async function startPrivateKafka(log: (line: string) => void = () => {}): Promise<PrivateKafka> {
  const { ensureInfra, stopInfra, KAFKA_VERSION } = await import('@phzzk/tools/infra');
  const root = mkdtempSync(join(tmpdir(), 'phzzk-kafka-'));
  const libs = join('.phzzk', 'kafka', KAFKA_VERSION, 'libs');
  if (existsSync(join(repoRoot, libs, '.complete'))) {
    mkdirSync(dirname(join(root, libs)), { recursive: true });
    symlinkSync(join(repoRoot, libs), join(root, libs));
  }
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: `127.0.0.1:${port}`,
    PHZZK_KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_HEAP_OPTS: '-Xms64m -Xmx384m',
  };
  const need = { postgres: false, redis: false, kafka: true, ffmpeg: false };
  const start = async () => {
    await ensureInfra({ root, env, log, need });
  };
  try {
    await start();
  } catch (error) {
    await stopInfra({ root, log }).catch(() => {});
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    brokers: [`127.0.0.1:${port}`],
    async restart() {
      await stopInfra({ root, log });
      await start();
    },
    async stop() {
      await stopInfra({ root, log });
      rmSync(root, { recursive: true, force: true });
    },
  };
}

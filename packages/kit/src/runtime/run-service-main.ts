import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TObject } from 'typebox';
import { ConfigError } from '../config/live-config.ts';
import { type ServiceDefinition, startService } from './start-service.ts';

/**
 * The whole of a service's main.ts: start, then stop cleanly on SIGTERM/SIGINT (deregister,
 * drain in-flight requests and consumers, close clients). A second signal forces the exit.
 */
export async function runServiceMain<S extends TObject>(definition: ServiceDefinition<S>): Promise<void> {
  let running: Awaited<ReturnType<typeof startService<S>>>;
  try {
    running = await startService(definition);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${definition.name}: ${error.message}`);
    } else {
      console.error(`${definition.name}: failed to start:`, error);
    }
    process.exit(1);
  }
  const { logger, config } = running.context;
  // The orchestrator (and the test launcher) learn where a process listens from its run file.
  const runDir = process.env.PHZZK_RUN_DIR;
  const runFile = runDir ? join(runDir, `${running.instance.instanceId}.json`) : undefined;
  if (runDir && runFile) {
    mkdirSync(runDir, { recursive: true });
    const { service, instanceId } = running.context.identity;
    // Written whole, then renamed into place: a reader never sees a half-written run file.
    const partial = `${runFile}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify({ service, instanceId, pid: process.pid, url: running.url }));
    renameSync(partial, runFile);
    process.on('exit', () => rmSync(runFile, { force: true }));
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: forcing exit');
      process.exit(130);
    }
    logger.info({ signal }, 'shutting down');
    const timeoutMs = Number((config.values as Record<string, unknown>)['shutdown.timeout-ms'] ?? 10_000);
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out: forcing exit');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    running.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

import type { Logger } from '@phzzk/kit';
import type { StatsStore } from '../domain/ports.ts';

/**
 * Deletes chat messages older than `retention-days` from PostgreSQL (0: keep everything), hourly
 * and in small batches so that it never holds long locks.
 */
export function startRetention(deps: {
  store: StatsStore;
  logger: Logger;
  retentionDays: () => number;
  intervalMs?: number;
}): { stop(): Promise<void>; run(): Promise<number> } {
  let running: Promise<number> | undefined;
  const run = (): Promise<number> => {
    const days = deps.retentionDays();
    if (days <= 0) return Promise.resolve(0);
    running ??= (async () => {
      const before = new Date(Date.now() - days * 86_400_000);
      let total = 0;
      for (;;) {
        const n = await deps.store.pruneMessages(before, 5000);
        total += n;
        if (n < 5000) break;
      }
      if (total > 0) deps.logger.info({ deleted: total, before }, 'chat history past retention deleted');
      return total;
    })()
      .catch((error) => {
        deps.logger.warn({ err: error }, 'chat retention failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(run, deps.intervalMs ?? 3_600_000);
  timer.unref();
  void run();
  return {
    run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

import type { Platform } from '../../test/support/platform.ts';

const began = performance.now();

/** A progress line on stderr (benchmarks run for minutes; a silent one looks hung). */
export function stage(message: string): void {
  console.error(`[${((performance.now() - began) / 1000).toFixed(1)} s] ${message}`);
}

/**
 * A benchmark stopped by a signal (Ctrl-C, a timeout) still takes its platform down: the services
 * run detached and would outlive it.
 */
export function downOnSignal(platform: Platform, cleanup: () => Promise<void> = async () => {}): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stage(`${signal}: stopping the platform`);
      void cleanup()
        .catch(() => {})
        .then(() => platform.down())
        .finally(() => process.exit(130));
    });
  }
}

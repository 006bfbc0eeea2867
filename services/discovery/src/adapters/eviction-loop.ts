import type { RegisteredInstance } from '../domain/instance.ts';
import type { Clock, Registry, RegistryStats } from '../domain/registry.ts';

export interface EvictionLoopOptions {
  intervalMs: number;
  clock: Clock;
  onEvicted?: (evicted: RegisteredInstance[]) => void;
  /** Called when self-preservation starts or stops holding expired leases back. */
  onPreservation?: (active: boolean, stats: RegistryStats) => void;
}

/**
 * Runs the eviction every `intervalMs`. When a run comes late (the event loop was blocked), the
 * delay is passed on as compensation: renewals that queued up meanwhile have not been read yet,
 * and the registry's own stall must not look like every client's death.
 */
export function startEvictionLoop(registry: Registry, options: EvictionLoopOptions): () => void {
  let last = options.clock();
  let preserving = false;
  const timer = setInterval(() => {
    const now = options.clock();
    const lateness = Math.max(0, now - last - options.intervalMs);
    last = now;
    const evicted = registry.evictExpired(lateness);
    if (evicted.length > 0) options.onEvicted?.(evicted);
    const stats = registry.stats();
    if (stats.preserving !== preserving) {
      preserving = stats.preserving;
      options.onPreservation?.(preserving, stats);
    }
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

import type { ServiceInstance } from '@phzzk/kit';

type Breaker = { failures: number; openUntil: number; probing: boolean };

/**
 * Round-robin over a service's instances with a circuit breaker per instance. A refused or reset
 * connection opens the breaker at once (the instance is ejected locally, no waiting for discovery);
 * other failures (timeouts, 5xx answers) open it after `threshold` in a row. After `ejectMs` one
 * request is let through (half-open): success closes the breaker, failure opens it again.
 */
export class LoadBalancer {
  private readonly cursor = new Map<string, number>();
  private readonly breakers = new Map<string, Breaker>();
  private readonly now: () => number;
  private readonly ejectMs: number;
  private readonly threshold: number;

  constructor(options: { ejectMs?: number; threshold?: number; now?: () => number } = {}) {
    this.ejectMs = options.ejectMs ?? 5000;
    this.threshold = options.threshold ?? 5;
    this.now = options.now ?? Date.now;
  }

  private usable(instanceId: string, now: number): boolean {
    const b = this.breakers.get(instanceId);
    if (!b || b.openUntil === 0) return true;
    if (b.openUntil > now) return false;
    return !b.probing; // half-open: exactly one request probes
  }

  /** The next usable instance, avoiding ones already tried for this request. */
  pick(
    serviceId: string,
    instances: ServiceInstance[],
    exclude: ReadonlySet<string> = new Set(),
  ): ServiceInstance | undefined {
    const now = this.now();
    const candidates = instances.filter((i) => !exclude.has(i.instanceId));
    const usable = candidates.filter((i) => this.usable(i.instanceId, now));
    // If every breaker is open, still try: an open breaker is a hint, refusing everything is worse.
    const pool = usable.length > 0 ? usable : candidates;
    if (pool.length === 0) return undefined;
    const n = (this.cursor.get(serviceId) ?? 0) % pool.length;
    this.cursor.set(serviceId, n + 1);
    const chosen = pool[n]!;
    const b = this.breakers.get(chosen.instanceId);
    if (b && b.openUntil !== 0 && b.openUntil <= now) b.probing = true;
    return chosen;
  }

  /** The instance is gone or broken: stop sending it requests now. */
  eject(instanceId: string): void {
    this.breakers.set(instanceId, { failures: this.threshold, openUntil: this.now() + this.ejectMs, probing: false });
  }

  failure(instanceId: string): void {
    const b = this.breakers.get(instanceId) ?? { failures: 0, openUntil: 0, probing: false };
    b.failures++;
    b.probing = false;
    if (b.failures >= this.threshold) b.openUntil = this.now() + this.ejectMs;
    this.breakers.set(instanceId, b);
  }

  success(instanceId: string): void {
    this.breakers.delete(instanceId);
  }

  isOpen(instanceId: string): boolean {
    return !this.usable(instanceId, this.now());
  }
}

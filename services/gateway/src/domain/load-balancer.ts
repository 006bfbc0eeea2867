import type { ServiceInstance } from '@phzzk/kit';

const NOTHING_TRIED: ReadonlySet<string> = new Set();
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

  /** The next usable instance, avoiding ones already tried for this request (no array per call). */
  pick(
    serviceId: string,
    instances: readonly ServiceInstance[],
    exclude: ReadonlySet<string> = NOTHING_TRIED,
  ): ServiceInstance | undefined {
    const now = this.now();
    let candidates = 0;
    let usable = 0;
    for (const i of instances) {
      if (exclude.has(i.instanceId)) continue;
      candidates++;
      if (this.usable(i.instanceId, now)) usable++;
    }
    if (candidates === 0) return undefined;
    // If every breaker is open, still try: an open breaker is a hint, refusing everything is worse.
    const onlyUsable = usable > 0;
    const n = (this.cursor.get(serviceId) ?? 0) % (onlyUsable ? usable : candidates);
    this.cursor.set(serviceId, n + 1);
    let k = 0;
    let chosen: ServiceInstance | undefined;
    for (const i of instances) {
      if (exclude.has(i.instanceId) || (onlyUsable && !this.usable(i.instanceId, now))) continue;
      if (k++ === n) {
        chosen = i;
        break;
      }
    }
    const b = chosen && this.breakers.get(chosen.instanceId);
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

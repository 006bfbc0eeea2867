import { SlidingCounter } from './sliding-counter.ts';

export interface PreservationSettings {
  enabled: boolean;
  /** Fraction of the expected renewals the registry must hear to trust its own view (Eureka: 0.85). */
  renewalThreshold: number;
  /** How far back renewals are counted. */
  windowMs: number;
  /** The longest an expired lease is ever held back; the bound that keeps a real crash visible. */
  maxHoldMs: number;
}

export interface LeaseView {
  key: string;
  registeredAt: number;
  lastRenewalAt: number;
  renewalIntervalMs: number;
  durationMs: number;
}

export interface EvictionDecision {
  evict: string[];
  /** Expired leases kept for now. */
  held: number;
  preserving: boolean;
  renewalRatio: number;
}

/**
 * Decides which expired leases to evict, with a bounded self-preservation safety valve.
 *
 * The rule:
 * 1. A lease is expired when no renewal came for its duration (plus the time this check itself
 *    ran late, e.g. after an event-loop stall, so a stall of the registry never reads as a
 *    crash of its clients).
 * 2. If the registry heard at least `renewalThreshold` of the renewals it expected over the last
 *    `windowMs`, it can hear its clients: every expired lease is evicted at once.
 * 3. Otherwise the silence may be the registry's own (cut off from the network), so it evicts
 *    progressively: at most max(1, size × (1 − threshold)) leases per window. One crashed
 *    instance always fits that budget, so a single crash is never delayed.
 * 4. No lease is held back longer than `maxHoldMs` after it expired: a real mass crash shows
 *    in full within duration + maxHoldMs, and a cut-off registry empties no faster than that.
 *
 * Expected renewals count each lease's renewals that should have fallen in the window since it
 * registered, minus one for phase, and only for leases renewing at least once per window
 * (a 30 s Eureka default client says nothing about a 5 s window).
 */
export class EvictionPolicy {
  private readonly settings: PreservationSettings;
  private readonly renewals: SlidingCounter;
  private readonly evictions: SlidingCounter;

  constructor(settings: PreservationSettings) {
    this.settings = settings;
    this.renewals = new SlidingCounter(settings.windowMs);
    this.evictions = new SlidingCounter(settings.windowMs);
  }

  recordRenewal(now: number, renewalIntervalMs: number): void {
    if (renewalIntervalMs <= this.settings.windowMs) this.renewals.add(now);
  }

  renewalRatio(now: number, leases: readonly LeaseView[]): number {
    const { windowMs } = this.settings;
    let expected = 0;
    for (const lease of leases) {
      if (lease.renewalIntervalMs > windowMs) continue;
      const span = Math.min(windowMs, Math.max(0, now - lease.registeredAt));
      expected += Math.max(0, Math.floor(span / lease.renewalIntervalMs) - 1);
    }
    return expected === 0 ? 1 : this.renewals.total(now) / expected;
  }

  decide(now: number, leases: readonly LeaseView[], compensationMs = 0): EvictionDecision {
    const expired = leases
      .map((lease) => ({ lease, expiredFor: now - compensationMs - (lease.lastRenewalAt + lease.durationMs) }))
      .filter((e) => e.expiredFor > 0)
      .sort((a, b) => b.expiredFor - a.expiredFor);
    const renewalRatio = this.renewalRatio(now, leases);
    if (expired.length === 0) return { evict: [], held: 0, preserving: false, renewalRatio };

    const { enabled, renewalThreshold, maxHoldMs } = this.settings;
    let evict: string[];
    if (!enabled || renewalRatio >= renewalThreshold) {
      evict = expired.map((e) => e.lease.key);
    } else {
      const perWindow = Math.max(1, Math.floor(leases.length * (1 - renewalThreshold)));
      let budget = perWindow - this.evictions.total(now);
      evict = [];
      for (const e of expired) {
        if (e.expiredFor >= maxHoldMs) evict.push(e.lease.key);
        else if (budget > 0) {
          evict.push(e.lease.key);
          budget--;
        }
      }
    }
    if (evict.length > 0) this.evictions.add(now, evict.length);
    const held = expired.length - evict.length;
    return { evict, held, preserving: held > 0, renewalRatio };
  }
}

import { describe, expect, it } from 'vitest';
import { EvictionPolicy, type LeaseView } from '../../src/domain/self-preservation.ts';
import { instance, testRegistry } from './fixtures.ts';

const settings = { enabled: true, renewalThreshold: 0.85, windowMs: 5000, maxHoldMs: 10_000 };

/** Ten instances renewing every second for ten seconds, then `silent` of them stop. */
function fleet(silent: number) {
  const { registry, clock } = testRegistry({ preservation: settings });
  const ids = Array.from({ length: 10 }, (_, i) => `i${i}`);
  for (const id of ids) registry.register(instance(id));
  for (let s = 0; s < 10; s++) {
    clock.advance(1000);
    for (const id of ids) registry.renew('USER', id, { replication: false });
  }
  const renewing = ids.slice(silent);
  /** Advances in 500 ms eviction ticks; the live ones renew every second. */
  const run = (ms: number) => {
    const evicted: string[] = [];
    for (let t = 0; t < ms; t += 500) {
      clock.advance(500);
      if (clock.now() % 1000 === 0) for (const id of renewing) registry.renew('USER', id, { replication: false });
      evicted.push(...registry.evictExpired().map((e) => e.info.instanceId));
    }
    return evicted;
  };
  return { registry, run };
}

describe('self-preservation', () => {
  it('evicts a single crashed instance at once, never delayed', () => {
    const { registry, run } = fleet(1);
    expect(run(3000)).toEqual([]);
    expect(run(1000)).toEqual(['i0']);
    expect(registry.stats().preserving).toBe(false);
  });

  it('evicts a minority that crashed together at once (the registry still hears the rest)', () => {
    const { run } = fleet(4);
    expect(run(3000)).toEqual([]);
    expect(run(1000).sort()).toEqual(['i0', 'i1', 'i2', 'i3']);
  });

  it('holds back a mass expiry (the registry may be cut off), evicting progressively and never longer than max-hold', () => {
    const { registry, run } = fleet(10);
    expect(run(3000)).toEqual([]);
    // Every lease expired together: one per window (max(1, 10 × 0.15) = 1), the rest held.
    expect(run(1000)).toHaveLength(1);
    expect(registry.stats()).toMatchObject({ preserving: true, heldExpired: 9 });
    expect(registry.size).toBe(9);
    // Five seconds later the window allows the next one.
    expect(run(5000)).toHaveLength(1);
    expect(registry.stats().preserving).toBe(true);
    // Ten seconds after expiry nothing is held any longer: a real mass crash shows in full.
    expect(run(4500)).toHaveLength(8);
    expect(registry.size).toBe(0);
    expect(registry.stats()).toMatchObject({ preserving: false, heldExpired: 0 });
  });

  it('does not evict after the registry itself stalled (late eviction run compensation)', () => {
    const { registry, clock } = testRegistry({ preservation: settings });
    registry.register(instance('a'));
    clock.advance(6000); // the event loop was blocked: no renewal was read, no eviction ran
    expect(registry.evictExpired(5500)).toEqual([]);
    registry.renew('USER', 'a', { replication: false }); // the queued renewal is read next
    clock.advance(500);
    expect(registry.evictExpired(0)).toEqual([]);
  });

  it('evicts everything expired when disabled', () => {
    const { registry, clock } = testRegistry({ preservation: { ...settings, enabled: false } });
    for (let i = 0; i < 10; i++) registry.register(instance(`i${i}`));
    clock.advance(3500);
    expect(registry.evictExpired()).toHaveLength(10);
  });

  it('measures renewals against what each lease should have sent in the window', () => {
    const policy = new EvictionPolicy(settings);
    const lease = (key: string, intervalMs: number): LeaseView => ({
      key,
      registeredAt: 0,
      lastRenewalAt: 10_000,
      renewalIntervalMs: intervalMs,
      durationMs: 3000,
    });
    // 2 one-second leases expect 2 × (5 − 1) = 8 renewals in 5 s; a 30 s lease expects none.
    const leases = [lease('a', 1000), lease('b', 1000), lease('c', 30_000)];
    for (let t = 5_500; t <= 10_000; t += 1000) policy.recordRenewal(t, 1000);
    expect(policy.renewalRatio(10_000, leases)).toBeCloseTo(5 / 8);
    expect(policy.renewalRatio(10_000, [lease('c', 30_000)])).toBe(1);
  });
});

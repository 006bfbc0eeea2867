import { describe, expect, it } from 'vitest';
import type { RegistryChange } from '../../src/domain/delta-log.ts';
import { instance, testRegistry } from './fixtures.ts';

describe('Registry', () => {
  it('registers with the lease the client asked for, clamped, and the default when it asked none', () => {
    const { registry } = testRegistry({ maxDurationInSecs: 60 });
    expect(registry.register(instance('a')).lease).toMatchObject({ renewalIntervalInSecs: 1, durationInSecs: 3 });
    const { leaseRequest: _, ...noLease } = instance('b');
    expect(registry.register(noLease).lease).toMatchObject({ renewalIntervalInSecs: 30, durationInSecs: 60 });
    expect(registry.register(instance('c', { leaseRequest: { durationInSecs: 99_999 } })).lease.durationInSecs).toBe(
      60,
    );
  });

  it('versions every change, logs it for the delta and keeps the reconcile hash current', () => {
    const { registry, clock } = testRegistry();
    const seen: RegistryChange[] = [];
    registry.onChanges((changes) => seen.push(...changes));
    registry.register(instance('a'));
    registry.register(instance('b', { app: 'CHAT' }));
    registry.setStatusOverride('user', 'a', 'OUT_OF_SERVICE');
    expect(seen.map((c) => [c.version, c.action])).toEqual([
      [1, 'ADDED'],
      [2, 'ADDED'],
      [3, 'MODIFIED'],
    ]);
    expect(registry.hashCode()).toBe('OUT_OF_SERVICE_1_UP_1_');
    registry.cancel('USER', 'a');
    expect(registry.hashCode()).toBe('UP_1_');
    expect(registry.recentChanges().map((c) => [c.instance.info.instanceId, c.action])).toEqual([
      ['b', 'ADDED'],
      ['a', 'DELETED'],
    ]);
    expect(registry.changesSince(2)?.map((c) => c.version)).toEqual([3, 4]);
    expect(registry.changesSince(4)).toEqual([]);
    expect(registry.changesSince(99)).toBeUndefined();
    clock.advance(181_000);
    expect(registry.recentChanges()).toEqual([]);
    expect(registry.changesSince(2)).toBeUndefined();
  });

  it('renews, and answers not-found for an unknown instance so the client registers again', () => {
    const { registry, clock } = testRegistry();
    expect(registry.renew('USER', 'a', { replication: false }).kind).toBe('not-found');
    registry.register(instance('a'));
    clock.advance(500);
    const result = registry.renew('user', 'a', { replication: false });
    expect(result.kind).toBe('ok');
    expect(registry.get('USER', 'a')?.lease.lastRenewalTimestamp).toBe(clock.now());
    expect(registry.version).toBe(1); // a plain renewal is not a change
  });

  it("honours the heartbeat's status and lastDirtyTimestamp as Eureka does", () => {
    const { registry } = testRegistry();
    registry.register(instance('a', { lastDirtyTimestamp: 100 }));
    expect(registry.renew('USER', 'a', { status: 'DOWN', replication: false }).kind).toBe('ok');
    expect(registry.get('USER', 'a')?.info.status).toBe('DOWN');
    expect(registry.version).toBe(2);
    // The client has newer data than we hold: 404 makes it register again.
    expect(registry.renew('USER', 'a', { lastDirtyTimestamp: 200, replication: false }).kind).toBe('not-found');
    // A peer replicating an older version gets ours back (409).
    const conflict = registry.renew('USER', 'a', { lastDirtyTimestamp: 50, replication: true });
    expect(conflict.kind).toBe('conflict');
    // An older client version is fine for the client itself.
    expect(registry.renew('USER', 'a', { lastDirtyTimestamp: 50, replication: false }).kind).toBe('ok');
  });

  it('keeps a late replica from rolling an instance back', () => {
    const { registry } = testRegistry();
    registry.register(instance('a', { lastDirtyTimestamp: 200, metadata: { v: 'new' } }));
    registry.register(instance('a', { lastDirtyTimestamp: 100, metadata: { v: 'old' } }));
    expect(registry.get('USER', 'a')?.info.metadata).toEqual({ v: 'new' });
  });

  it('keeps a status override across renewals and re-registration until it is deleted', () => {
    const { registry } = testRegistry();
    registry.register(instance('a'));
    registry.setStatusOverride('USER', 'a', 'OUT_OF_SERVICE');
    registry.renew('USER', 'a', { status: 'UP', replication: false });
    expect(registry.get('USER', 'a')?.info).toMatchObject({
      status: 'OUT_OF_SERVICE',
      overriddenStatus: 'OUT_OF_SERVICE',
    });
    registry.register(instance('a'));
    expect(registry.get('USER', 'a')?.info.status).toBe('OUT_OF_SERVICE');
    registry.deleteStatusOverride('USER', 'a');
    expect(registry.get('USER', 'a')?.info).toMatchObject({ status: 'UNKNOWN', overriddenStatus: 'UNKNOWN' });
    // UNKNOWN after an override is removed: the next plain heartbeat asks the client to register again.
    expect(registry.renew('USER', 'a', { replication: false }).kind).toBe('not-found');
    registry.register(instance('a'));
    expect(registry.get('USER', 'a')?.info.status).toBe('UP');
    expect(registry.setStatusOverride('USER', 'nope', 'DOWN')).toBeUndefined();
  });

  it('merges metadata updates, finds instances by id and by VIP', () => {
    const { registry } = testRegistry();
    registry.register(
      instance('a', { metadata: { zone: 'a' }, vipAddress: 'user,users', secureVipAddress: 'user-secure' }),
    );
    registry.register(instance('b', { app: 'CHAT', vipAddress: 'chat' }));
    registry.updateMetadata('USER', 'a', { weight: '5' });
    expect(registry.get('USER', 'a')?.info.metadata).toEqual({ zone: 'a', weight: '5' });
    expect(registry.findById('b')?.info.app).toBe('CHAT');
    expect(registry.byVip('users').map((i) => i.info.instanceId)).toEqual(['a']);
    expect(registry.byVip('user-secure', true).map((i) => i.info.instanceId)).toEqual(['a']);
    expect(registry.application('chat')?.length).toBe(1);
    expect(registry.application('nope')).toBeUndefined();
    registry.cancel('CHAT', 'b');
    expect(registry.application('CHAT')).toBeUndefined();
  });

  it('evicts an instance that stopped renewing after its lease duration', () => {
    const { registry, clock } = testRegistry();
    registry.register(instance('a'));
    registry.register(instance('b'));
    for (let t = 0; t < 6; t++) {
      clock.advance(1000);
      registry.renew('USER', 'a', { replication: false });
      if (t < 1) registry.renew('USER', 'b', { replication: false });
      const evicted = registry.evictExpired();
      // b renewed last at +1 s with a 3 s lease: still there at +4 s, gone at +5 s.
      if (t < 3) expect(evicted).toEqual([]);
      if (t === 4) expect(evicted.map((e) => [e.info.instanceId, e.actionType])).toEqual([['b', 'DELETED']]);
    }
    expect(registry.list().map((i) => i.info.instanceId)).toEqual(['a']);
    expect(registry.stats()).toMatchObject({ evictionsTotal: 1, preserving: false });
  });
});

import { Counter, Gauge, type Registry as MetricsRegistry } from 'prom-client';
import { INSTANCE_STATUSES } from '../domain/instance.ts';
import type { Registry } from '../domain/registry.ts';
import type { PeerReplicator } from './peer-replicator.ts';
import type { WatchHub } from './watch-hub.ts';

/** Registry size, renewals, evictions and self-preservation as Prometheus metrics, read on scrape. */
export function installDiscoveryMetrics(
  metrics: MetricsRegistry,
  sources: { registry: Registry; watch: WatchHub; replicator?: PeerReplicator },
): void {
  const { registry, watch, replicator } = sources;
  const registers = [metrics];
  new Gauge({
    name: 'discovery_registry_size',
    help: 'Instances in the registry',
    registers,
    collect() {
      this.set(registry.size);
    },
  });
  new Gauge({
    name: 'discovery_registry_instances',
    help: 'Instances in the registry by status',
    labelNames: ['status'],
    registers,
    collect() {
      const counts = new Map<string, number>(INSTANCE_STATUSES.map((s) => [s, 0]));
      for (const i of registry.list()) counts.set(i.info.status, (counts.get(i.info.status) ?? 0) + 1);
      for (const [status, n] of counts) this.set({ status }, n);
    },
  });
  // Counters mirror the registry's own totals, so they never drift from what it did.
  const mirror = (name: string, help: string, read: () => number) => {
    let seen = 0;
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = read();
        if (now > seen) this.inc(now - seen);
        seen = now;
      },
    });
  };
  mirror(
    'discovery_renewals_total',
    'Lease renewals received (clients and peers)',
    () => registry.stats().renewalsTotal,
  );
  mirror(
    'discovery_evictions_total',
    'Instances evicted because their lease expired',
    () => registry.stats().evictionsTotal,
  );
  new Gauge({
    name: 'discovery_renewals_last_minute',
    help: 'Lease renewals received over the last minute',
    registers,
    collect() {
      this.set(registry.stats().renewalsLastMinute);
    },
  });
  new Gauge({
    name: 'discovery_self_preservation_active',
    help: '1 while expired leases are being held back by self-preservation',
    registers,
    collect() {
      this.set(registry.stats().preserving ? 1 : 0);
    },
  });
  new Gauge({
    name: 'discovery_self_preservation_held_leases',
    help: 'Expired leases currently held back by self-preservation',
    registers,
    collect() {
      this.set(registry.stats().heldExpired);
    },
  });
  new Gauge({
    name: 'discovery_renewal_ratio',
    help: 'Renewals heard over renewals expected in the self-preservation window',
    registers,
    collect() {
      this.set(registry.stats().renewalRatio);
    },
  });
  new Gauge({
    name: 'discovery_watchers',
    help: 'Open watch (SSE) streams',
    registers,
    collect() {
      this.set(watch.size);
    },
  });
  if (replicator) {
    new Gauge({
      name: 'discovery_replication_queue',
      help: 'Replication tasks waiting per peer',
      labelNames: ['peer'],
      registers,
      collect() {
        for (const p of replicator.status()) this.set({ peer: p.url }, p.queued);
      },
    });
    new Gauge({
      name: 'discovery_replication_failed_batches',
      help: 'Replication batches a peer did not accept, since start',
      labelNames: ['peer'],
      registers,
      collect() {
        for (const p of replicator.status()) this.set({ peer: p.url }, p.failedBatches);
      },
    });
  }
}

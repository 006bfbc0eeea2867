import type { ServiceInstance } from './discovery-client.ts';
import { type EurekaRecord, reconcileHashCode, recordKey, toServiceInstance } from './eureka-wire.ts';

/**
 * The client's local copy of the registry (every status, as Eureka's full fetch), kept current
 * by snapshots and deltas. Answers `instances()` without any network call.
 */
export class EurekaView {
  private records = new Map<string, EurekaRecord>();
  private upByService = new Map<string, ServiceInstance[]>();

  /** Replaces the whole view; returns the service ids whose instances changed. */
  replace(records: readonly EurekaRecord[]): Set<string> {
    const before = this.records;
    this.records = new Map(records.map((r) => [recordKey(r), r]));
    const touched = new Set<string>();
    for (const r of before.values()) touched.add(r.app);
    for (const r of records) touched.add(r.app);
    return this.refresh(touched);
  }

  /** Applies delta records by their actionType (ADDED, MODIFIED, DELETED). */
  apply(records: readonly EurekaRecord[]): Set<string> {
    const touched = new Set<string>();
    for (const r of records) {
      touched.add(r.app);
      if (r.actionType === 'DELETED') this.records.delete(recordKey(r));
      else this.records.set(recordKey(r), r);
    }
    return this.refresh(touched);
  }

  remove(app: string, instanceId: string): Set<string> {
    if (!this.records.delete(recordKey({ app, instanceId }))) return new Set();
    return this.refresh(new Set([app]));
  }

  hashCode(): string {
    return reconcileHashCode(this.records.values());
  }

  /** UP instances of a service. */
  instances(serviceId: string): ServiceInstance[] {
    return [...(this.upByService.get(serviceId.toLowerCase()) ?? [])];
  }

  services(): string[] {
    return [...this.upByService.keys()];
  }

  /** Rebuilds the UP lists of the touched apps; returns the service ids whose list changed. */
  private refresh(apps: Set<string>): Set<string> {
    const changed = new Set<string>();
    for (const app of apps) {
      const serviceId = app.toLowerCase();
      const next = [...this.records.values()].filter((r) => r.app === app && r.status === 'UP').map(toServiceInstance);
      const prev = this.upByService.get(serviceId) ?? [];
      if (JSON.stringify(prev) === JSON.stringify(next)) continue;
      changed.add(serviceId);
      if (next.length > 0) this.upByService.set(serviceId, next);
      else this.upByService.delete(serviceId);
    }
    return changed;
  }
}

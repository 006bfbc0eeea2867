import type { ActionType, RegisteredInstance } from './instance.ts';

export interface RegistryChange {
  /** The registry version this change produced; versions increase by one per change. */
  version: number;
  at: number;
  action: ActionType;
  instance: RegisteredInstance;
}

/**
 * Recent changes, kept for `retentionMs` (Eureka keeps 3 minutes) so that pollers of
 * `/apps/delta` and watchers that reconnect can catch up without a full snapshot.
 */
export class DeltaLog {
  private readonly retentionMs: number;
  private entries: RegistryChange[] = [];
  private lastVersion = 0;

  constructor(retentionMs: number) {
    this.retentionMs = retentionMs;
  }

  append(change: RegistryChange): void {
    this.entries.push(change);
    this.lastVersion = change.version;
    this.prune(change.at);
  }

  /** Changes within the retention window, the latest per instance, oldest first. */
  recent(now: number): RegistryChange[] {
    this.prune(now);
    const latest = new Map<string, RegistryChange>();
    for (const change of this.entries) {
      const key = `${change.instance.info.app}/${change.instance.info.instanceId}`;
      latest.delete(key);
      latest.set(key, change);
    }
    return [...latest.values()];
  }

  /**
   * Every change after `version`, or undefined when some of them were already dropped
   * or the version is not one this log produced (the caller then needs a full snapshot).
   */
  since(version: number, now: number): RegistryChange[] | undefined {
    this.prune(now);
    if (!Number.isInteger(version) || version < 0 || version > this.lastVersion) return undefined;
    if (version === this.lastVersion) return [];
    const first = this.entries[0];
    if (!first || first.version > version + 1) return undefined;
    return this.entries.filter((c) => c.version > version);
  }

  private prune(now: number): void {
    const cutoff = now - this.retentionMs;
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop]!.at < cutoff) drop++;
    if (drop > 0) this.entries = this.entries.slice(drop);
  }
}

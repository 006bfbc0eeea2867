import type { InstanceStatus, RegisteredInstance } from './instance.ts';

/** Marks a request as a peer's replication of a write (Eureka's header): it is applied, not replicated again. */
export const REPLICATION_HEADER = 'x-netflix-discovery-replication';

/** Eureka's replication actions (PeerAwareInstanceRegistryImpl.Action). */
export type ReplicationAction = 'Register' | 'Heartbeat' | 'Cancel' | 'StatusUpdate' | 'DeleteStatusOverride';

export interface ReplicationTask {
  action: ReplicationAction;
  appName: string;
  id: string;
  lastDirtyTimestamp?: number;
  status?: InstanceStatus;
  overriddenStatus?: InstanceStatus;
  /** The full instance, for Register. */
  instance?: RegisteredInstance;
}

const keyOf = (t: ReplicationTask) => `${t.appName}/${t.id}`;

/**
 * The tasks waiting to go to one peer, coalesced so a batch carries only what still matters:
 * a heartbeat behind a queued heartbeat or registration of the same instance adds nothing, and
 * a cancel makes the instance's queued heartbeats pointless. Bounded: when full, the oldest
 * heartbeats go first, then the oldest tasks (a peer that far behind resyncs when it restarts).
 */
export class ReplicationQueue {
  private readonly maxSize: number;
  private tasks: ReplicationTask[] = [];
  /** Queued heartbeats and registrations per instance, so coalescing does not scan the queue. */
  private readonly live = new Map<string, number>();

  constructor(maxSize = 10_000) {
    this.maxSize = maxSize;
  }

  get size(): number {
    return this.tasks.length;
  }

  push(task: ReplicationTask): void {
    const key = keyOf(task);
    if (task.action === 'Heartbeat' && this.live.has(key)) return;
    if (task.action === 'Cancel' && this.live.has(key)) {
      this.tasks = this.tasks.filter((t) => !(t.action === 'Heartbeat' && keyOf(t) === key && this.forget(t)));
    }
    this.tasks.push(task);
    this.note(task);
    this.trim();
  }

  take(max: number): ReplicationTask[] {
    const batch = this.tasks.splice(0, max);
    for (const task of batch) this.forget(task);
    return batch;
  }

  /** Puts back a batch that could not be delivered, minus heartbeats (the next ones will come). */
  putBack(tasks: readonly ReplicationTask[]): void {
    const kept = tasks.filter((t) => t.action !== 'Heartbeat');
    for (const task of kept) this.note(task);
    this.tasks = [...kept, ...this.tasks];
    this.trim();
  }

  private trim(): void {
    while (this.tasks.length > this.maxSize) {
      const heartbeat = this.tasks.findIndex((t) => t.action === 'Heartbeat');
      const [dropped] = this.tasks.splice(Math.max(heartbeat, 0), 1);
      if (dropped) this.forget(dropped);
    }
  }

  private note(task: ReplicationTask): void {
    if (task.action !== 'Heartbeat' && task.action !== 'Register') return;
    const key = keyOf(task);
    this.live.set(key, (this.live.get(key) ?? 0) + 1);
  }

  /** Drops a task from the index; returns true so it can sit in a filter predicate. */
  private forget(task: ReplicationTask): true {
    if (task.action === 'Heartbeat' || task.action === 'Register') {
      const key = keyOf(task);
      const left = (this.live.get(key) ?? 1) - 1;
      if (left > 0) this.live.set(key, left);
      else this.live.delete(key);
    }
    return true;
  }
}

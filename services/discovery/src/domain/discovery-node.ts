import type { InstanceInfo, InstanceStatus, RegisteredInstance } from './instance.ts';
import type { Registry, RenewParams, RenewResult } from './registry.ts';
import type { ReplicationTask } from './replication-queue.ts';

/** Where tasks for the peers go (the peer replicator adapter). */
export interface ReplicationSink {
  replicate(task: ReplicationTask): void;
}

const registerTask = (instance: RegisteredInstance): ReplicationTask => ({
  action: 'Register',
  appName: instance.info.app,
  id: instance.info.instanceId,
  lastDirtyTimestamp: instance.info.lastDirtyTimestamp,
  status: instance.info.status,
  overriddenStatus: instance.info.overriddenStatus,
  instance,
});

/**
 * One discovery node: applies operations to the registry and decides what goes to the peers.
 * Operations that came from a client are replicated; operations that came from a peer
 * (`x-netflix-discovery-replication: true`) are not, so nothing loops between nodes.
 */
export class DiscoveryNode {
  readonly registry: Registry;
  private readonly sink: ReplicationSink | undefined;

  constructor(registry: Registry, sink?: ReplicationSink) {
    this.registry = registry;
    this.sink = sink;
  }

  register(info: InstanceInfo, replication: boolean): RegisteredInstance {
    const instance = this.registry.register(info);
    if (!replication) this.sink?.replicate(registerTask(instance));
    return instance;
  }

  renew(app: string, id: string, params: RenewParams): RenewResult {
    const versionBefore = this.registry.version;
    const result = this.registry.renew(app, id, params);
    if (!params.replication && result.kind !== 'not-found') {
      // A heartbeat that changed the instance (its reported status) travels as a registration,
      // so the peers get the whole new state, not just a lease renewal.
      const changed = this.registry.version !== versionBefore;
      const { info } = result.instance;
      this.sink?.replicate(
        changed
          ? registerTask(result.instance)
          : {
              action: 'Heartbeat',
              appName: info.app,
              id: info.instanceId,
              lastDirtyTimestamp: info.lastDirtyTimestamp,
              status: info.status,
              overriddenStatus: info.overriddenStatus,
            },
      );
    }
    return result;
  }

  cancel(app: string, id: string, replication: boolean): RegisteredInstance | undefined {
    const removed = this.registry.cancel(app, id);
    if (removed && !replication) this.sink?.replicate({ action: 'Cancel', appName: removed.info.app, id });
    return removed;
  }

  setStatusOverride(
    app: string,
    id: string,
    status: InstanceStatus,
    lastDirtyTimestamp: number | undefined,
    replication: boolean,
  ): RegisteredInstance | undefined {
    const updated = this.registry.setStatusOverride(app, id, status, lastDirtyTimestamp);
    if (updated && !replication) {
      this.sink?.replicate({
        action: 'StatusUpdate',
        appName: updated.info.app,
        id,
        status,
        lastDirtyTimestamp: updated.info.lastDirtyTimestamp,
      });
    }
    return updated;
  }

  deleteStatusOverride(
    app: string,
    id: string,
    newStatus: InstanceStatus | undefined,
    lastDirtyTimestamp: number | undefined,
    replication: boolean,
  ): RegisteredInstance | undefined {
    const updated = this.registry.deleteStatusOverride(app, id, newStatus, lastDirtyTimestamp);
    if (updated && !replication) {
      this.sink?.replicate({
        action: 'DeleteStatusOverride',
        appName: updated.info.app,
        id,
        ...(newStatus ? { status: newStatus } : {}),
        lastDirtyTimestamp: updated.info.lastDirtyTimestamp,
      });
    }
    return updated;
  }

  updateMetadata(app: string, id: string, metadata: Readonly<Record<string, string>>, replication: boolean) {
    const updated = this.registry.updateMetadata(app, id, metadata);
    // Eureka replicates a metadata change as a registration of the updated instance.
    if (updated && !replication) this.sink?.replicate(registerTask(updated));
    return updated;
  }

  /**
   * What to do with a peer's answer to a replicated task: a peer that does not know an instance
   * we heartbeat gets the full registration; a peer holding a newer version wins (409 carries it).
   */
  onPeerAnswer(task: ReplicationTask, statusCode: number, peerInstance: InstanceInfo | undefined): void {
    if (task.action === 'Heartbeat' && statusCode === 404) {
      const current = this.registry.get(task.appName, task.id);
      if (current) this.sink?.replicate(registerTask(current));
    } else if (task.action === 'Heartbeat' && statusCode === 409 && peerInstance) {
      this.registry.register(peerInstance);
    }
  }
}

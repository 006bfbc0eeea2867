import { DeltaLog, type RegistryChange } from './delta-log.ts';
import {
  type ActionType,
  type InstanceInfo,
  type InstanceStatus,
  type LeaseInfo,
  type RegisteredInstance,
  reconcileHashCode,
  vipsOf,
} from './instance.ts';
import {
  type EvictionDecision,
  EvictionPolicy,
  type LeaseView,
  type PreservationSettings,
} from './self-preservation.ts';
import { SlidingCounter } from './sliding-counter.ts';

export type Clock = () => number;

export interface RegistrySettings {
  /** Used when a client sends no leaseInfo (Eureka's defaults are 30 s and 90 s). */
  defaultRenewalIntervalInSecs: number;
  defaultDurationInSecs: number;
  /** Upper bound on a requested lease duration, so a client cannot pin itself for hours. */
  maxDurationInSecs: number;
  deltaRetentionMs: number;
  preservation: PreservationSettings;
}

export interface RenewParams {
  /** The status the client reports for itself (`?status=`). */
  status?: InstanceStatus;
  /** The client's `lastDirtyTimestamp`; newer than ours means it has changes to register. */
  lastDirtyTimestamp?: number;
  replication: boolean;
}

export type RenewResult =
  | { kind: 'ok'; instance: RegisteredInstance }
  | { kind: 'not-found' }
  /** A peer replicated a heartbeat for an older version than ours: it should take ours. */
  | { kind: 'conflict'; instance: RegisteredInstance };

export type ChangeListener = (changes: readonly RegistryChange[]) => void;

export interface RegistryStats {
  size: number;
  renewalsTotal: number;
  renewalsLastMinute: number;
  evictionsTotal: number;
  preserving: boolean;
  heldExpired: number;
  renewalRatio: number;
}

const keyOf = (app: string, id: string) => `${app.toUpperCase()}/${id}`;
const clampInt = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));

/**
 * The registry: instances with leases, status overrides, a versioned change stream and the
 * delta log. Pure state and rules: the clock is injected and nothing here does I/O.
 */
export class Registry {
  private readonly settings: RegistrySettings;
  private readonly clock: Clock;
  private readonly apps = new Map<string, Map<string, RegisteredInstance>>();
  /** Status overrides survive re-registration (as Eureka's overriddenInstanceStatusMap). */
  private readonly overrides = new Map<string, InstanceStatus>();
  private readonly log: DeltaLog;
  private readonly policy: EvictionPolicy;
  private readonly renewalsPerMinute = new SlidingCounter(60_000, 1000);
  private readonly listeners = new Set<ChangeListener>();
  private versionValue = 0;
  private hash: string | undefined;
  private renewalsTotal = 0;
  private evictionsTotal = 0;
  private lastDecision: EvictionDecision = { evict: [], held: 0, preserving: false, renewalRatio: 1 };

  constructor(settings: RegistrySettings, clock: Clock) {
    this.settings = settings;
    this.clock = clock;
    this.log = new DeltaLog(settings.deltaRetentionMs);
    this.policy = new EvictionPolicy(settings.preservation);
  }

  onChanges(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get version(): number {
    return this.versionValue;
  }

  register(incoming: InstanceInfo): RegisteredInstance {
    const now = this.clock();
    const key = keyOf(incoming.app, incoming.instanceId);
    const existing = this.lookup(incoming.app, incoming.instanceId);
    // A registration older than what we hold (a late replica) must not roll the instance back.
    let info = existing && existing.info.lastDirtyTimestamp > incoming.lastDirtyTimestamp ? existing.info : incoming;
    if (incoming.overriddenStatus !== 'UNKNOWN' && !this.overrides.has(key)) {
      this.overrides.set(key, incoming.overriddenStatus);
    }
    const override = this.overrides.get(key);
    if (override) info = { ...info, status: override, overriddenStatus: override };
    info = { ...info, lastUpdatedTimestamp: now };

    const { defaultRenewalIntervalInSecs, defaultDurationInSecs, maxDurationInSecs } = this.settings;
    const requested = incoming.leaseRequest ?? {};
    const lease: LeaseInfo = {
      renewalIntervalInSecs: clampInt(
        requested.renewalIntervalInSecs ?? defaultRenewalIntervalInSecs,
        1,
        maxDurationInSecs,
      ),
      durationInSecs: clampInt(requested.durationInSecs ?? defaultDurationInSecs, 1, maxDurationInSecs),
      registrationTimestamp: now,
      lastRenewalTimestamp: now,
      evictionTimestamp: 0,
      serviceUpTimestamp: existing?.lease.serviceUpTimestamp || (info.status === 'UP' ? now : 0),
    };
    return this.store(info, lease, existing ? 'MODIFIED' : 'ADDED');
  }

  renew(app: string, id: string, params: RenewParams): RenewResult {
    const existing = this.lookup(app, id);
    if (!existing) return { kind: 'not-found' };
    const now = this.clock();
    this.renewalsTotal++;
    this.renewalsPerMinute.add(now);
    this.policy.recordRenewal(now, existing.lease.renewalIntervalInSecs * 1000);
    const lease = { ...existing.lease, lastRenewalTimestamp: now };
    const override = this.overrides.get(keyOf(app, id));
    let info = existing.info;
    if (override && info.status !== override) {
      info = { ...info, status: override, overriddenStatus: override };
    } else if (!override && params.status && params.status !== info.status) {
      info = { ...info, status: params.status };
    }
    let current: RegisteredInstance;
    if (info !== existing.info) {
      if (info.status === 'UP' && !lease.serviceUpTimestamp) lease.serviceUpTimestamp = now;
      current = this.store({ ...info, lastUpdatedTimestamp: now }, lease, 'MODIFIED');
    } else {
      current = { ...existing, lease };
      this.apps.get(current.info.app)?.set(id, current);
    }
    // Eureka's rule: an UNKNOWN status (an override removed without a new value) asks the
    // client to register again, which restores its own status.
    if (current.info.status === 'UNKNOWN') return { kind: 'not-found' };
    const dirty = params.lastDirtyTimestamp;
    if (dirty !== undefined) {
      if (dirty > current.info.lastDirtyTimestamp) return { kind: 'not-found' };
      if (dirty < current.info.lastDirtyTimestamp && params.replication) return { kind: 'conflict', instance: current };
    }
    return { kind: 'ok', instance: current };
  }

  cancel(app: string, id: string): RegisteredInstance | undefined {
    const existing = this.lookup(app, id);
    if (!existing) return undefined;
    return this.remove(existing);
  }

  setStatusOverride(
    app: string,
    id: string,
    status: InstanceStatus,
    lastDirtyTimestamp?: number,
  ): RegisteredInstance | undefined {
    const existing = this.lookup(app, id);
    if (!existing) return undefined;
    const now = this.clock();
    this.overrides.set(keyOf(app, id), status);
    const lease = { ...existing.lease };
    if (status === 'UP' && !lease.serviceUpTimestamp) lease.serviceUpTimestamp = now;
    const info: InstanceInfo = {
      ...existing.info,
      status,
      overriddenStatus: status,
      lastDirtyTimestamp: Math.max(existing.info.lastDirtyTimestamp, lastDirtyTimestamp ?? 0),
      lastUpdatedTimestamp: now,
    };
    return this.store(info, lease, 'MODIFIED');
  }

  deleteStatusOverride(
    app: string,
    id: string,
    newStatus?: InstanceStatus,
    lastDirtyTimestamp?: number,
  ): RegisteredInstance | undefined {
    const existing = this.lookup(app, id);
    if (!existing) return undefined;
    this.overrides.delete(keyOf(app, id));
    const info: InstanceInfo = {
      ...existing.info,
      status: newStatus ?? 'UNKNOWN',
      overriddenStatus: 'UNKNOWN',
      lastDirtyTimestamp: Math.max(existing.info.lastDirtyTimestamp, lastDirtyTimestamp ?? 0),
      lastUpdatedTimestamp: this.clock(),
    };
    return this.store(info, existing.lease, 'MODIFIED');
  }

  updateMetadata(app: string, id: string, metadata: Readonly<Record<string, string>>): RegisteredInstance | undefined {
    const existing = this.lookup(app, id);
    if (!existing) return undefined;
    const info: InstanceInfo = {
      ...existing.info,
      metadata: { ...existing.info.metadata, ...metadata },
      lastUpdatedTimestamp: this.clock(),
    };
    return this.store(info, existing.lease, 'MODIFIED');
  }

  /**
   * Evicts expired leases under the self-preservation rule (see EvictionPolicy).
   * `compensationMs` is how late this run is, so a stalled registry does not evict everyone.
   */
  evictExpired(compensationMs = 0): RegisteredInstance[] {
    const now = this.clock();
    const views: LeaseView[] = [];
    const byKey = new Map<string, RegisteredInstance>();
    for (const instance of this.list()) {
      const key = keyOf(instance.info.app, instance.info.instanceId);
      byKey.set(key, instance);
      views.push({
        key,
        registeredAt: instance.lease.registrationTimestamp,
        lastRenewalAt: instance.lease.lastRenewalTimestamp,
        renewalIntervalMs: instance.lease.renewalIntervalInSecs * 1000,
        durationMs: instance.lease.durationInSecs * 1000,
      });
    }
    this.lastDecision = this.policy.decide(now, views, compensationMs);
    const evicted = this.lastDecision.evict.map((key) => this.remove(byKey.get(key)!));
    this.evictionsTotal += evicted.length;
    return evicted;
  }

  get(app: string, id: string): RegisteredInstance | undefined {
    return this.lookup(app, id);
  }

  /** An instance by id in any application (`/eureka/instances/{id}`). */
  findById(id: string): RegisteredInstance | undefined {
    for (const instances of this.apps.values()) {
      const found = instances.get(id);
      if (found) return found;
    }
    return undefined;
  }

  application(app: string): RegisteredInstance[] | undefined {
    const instances = this.apps.get(app.toUpperCase());
    return instances ? [...instances.values()] : undefined;
  }

  /** Every instance, applications in name order. */
  list(): RegisteredInstance[] {
    return [...this.apps.keys()].sort().flatMap((app) => [...this.apps.get(app)!.values()]);
  }

  byVip(vip: string, secure = false): RegisteredInstance[] {
    return this.list().filter((i) => vipsOf(secure ? i.info.secureVipAddress : i.info.vipAddress).includes(vip));
  }

  get size(): number {
    let n = 0;
    for (const instances of this.apps.values()) n += instances.size;
    return n;
  }

  hashCode(): string {
    this.hash ??= reconcileHashCode(this.list().map((i) => i.info.status));
    return this.hash;
  }

  /** The `/apps/delta` content: the latest change per instance within the retention window. */
  recentChanges(): RegistryChange[] {
    return this.log.recent(this.clock());
  }

  /** Changes after `version`, or undefined when a snapshot is needed instead. */
  changesSince(version: number): RegistryChange[] | undefined {
    return this.log.since(version, this.clock());
  }

  stats(): RegistryStats {
    const now = this.clock();
    return {
      size: this.size,
      renewalsTotal: this.renewalsTotal,
      renewalsLastMinute: this.renewalsPerMinute.total(now),
      evictionsTotal: this.evictionsTotal,
      preserving: this.lastDecision.preserving,
      heldExpired: this.lastDecision.held,
      renewalRatio: this.lastDecision.renewalRatio,
    };
  }

  private lookup(app: string, id: string): RegisteredInstance | undefined {
    return this.apps.get(app.toUpperCase())?.get(id);
  }

  private store(info: InstanceInfo, lease: LeaseInfo, actionType: ActionType): RegisteredInstance {
    const instance: RegisteredInstance = { info, lease, actionType };
    const instances = this.apps.get(info.app) ?? new Map<string, RegisteredInstance>();
    this.apps.set(info.app, instances);
    instances.set(info.instanceId, instance);
    this.emit(actionType, instance);
    return instance;
  }

  private remove(existing: RegisteredInstance): RegisteredInstance {
    const { app, instanceId } = existing.info;
    const instances = this.apps.get(app);
    instances?.delete(instanceId);
    if (instances?.size === 0) this.apps.delete(app);
    this.overrides.delete(keyOf(app, instanceId));
    const now = this.clock();
    const removed: RegisteredInstance = {
      info: { ...existing.info, lastUpdatedTimestamp: now },
      lease: { ...existing.lease, evictionTimestamp: now },
      actionType: 'DELETED',
    };
    this.emit('DELETED', removed);
    return removed;
  }

  private emit(action: ActionType, instance: RegisteredInstance): void {
    this.hash = undefined;
    const change: RegistryChange = { version: ++this.versionValue, at: this.clock(), action, instance };
    this.log.append(change);
    for (const listener of this.listeners) listener([change]);
  }
}

import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import type { DiscoveryClient, InstancesListener, ServiceInstance } from './discovery-client.ts';

/** The part of node:dns this client uses, so tests can inject answers. */
export interface DnsResolver {
  resolveSrv(hostname: string): Promise<{ name: string; port: number; priority: number; weight: number }[]>;
  resolve4(hostname: string): Promise<string[]>;
}

export interface KubernetesDiscoveryOptions {
  /** The namespace services live in; without one, short names rely on the pod's DNS search path. */
  namespace?: string;
  clusterDomain?: string;
  /** A fixed port for every service; otherwise the SRV record's port, else 80. */
  port?: number;
  /** The named service port looked up as `_{portName}._tcp.` (default `http`). */
  portName?: string;
  resolver?: DnsResolver;
  /** How often tracked services are resolved again. */
  refreshIntervalMs?: number;
}

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME', 'NXDOMAIN', 'ESERVFAIL']);
const isNotFound = (error: unknown) => NOT_FOUND.has((error as { code?: string }).code ?? '');

/** `user` -> `user.{namespace}.svc.{clusterDomain}` (or `user` alone without a namespace). */
export function serviceHostname(
  serviceId: string,
  namespace: string | undefined,
  clusterDomain = 'cluster.local',
): string {
  return namespace ? `${serviceId}.${namespace}.svc.${clusterDomain}` : serviceId;
}

/**
 * Resolves a Kubernetes service through cluster DNS. The SRV record of its named port gives the
 * port and, for a headless service, one target per ready pod (each resolved to its address);
 * without SRV, the A records of the service name (pod IPs when headless, the cluster IP
 * otherwise) with the configured port.
 */
export async function resolveKubernetesService(
  serviceId: string,
  resolver: DnsResolver,
  options: Omit<KubernetesDiscoveryOptions, 'resolver' | 'refreshIntervalMs'> = {},
): Promise<ServiceInstance[]> {
  const host = serviceHostname(serviceId, options.namespace, options.clusterDomain);
  const instance = (address: string, port: number): ServiceInstance => ({
    serviceId,
    instanceId: `${serviceId}@${address}:${port}`,
    host: address,
    port,
    status: 'UP',
    metadata: { source: 'kubernetes-dns' },
  });
  let srv: Awaited<ReturnType<DnsResolver['resolveSrv']>> = [];
  try {
    srv = await resolver.resolveSrv(`_${options.portName ?? 'http'}._tcp.${host}`);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (srv.length > 0) {
    const ordered = [...srv].sort(
      (a, b) => a.priority - b.priority || b.weight - a.weight || a.name.localeCompare(b.name),
    );
    const found = await Promise.all(
      ordered.map(async (record) => {
        const port = options.port ?? record.port;
        try {
          return (await resolver.resolve4(record.name)).map((address) => instance(address, port));
        } catch (error) {
          if (!isNotFound(error)) throw error;
          return [instance(record.name.replace(/\.$/, ''), port)];
        }
      }),
    );
    return dedupe(found.flat());
  }
  try {
    return dedupe((await resolver.resolve4(host)).sort().map((address) => instance(address, options.port ?? 80)));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

const dedupe = (instances: ServiceInstance[]) => [...new Map(instances.map((i) => [i.instanceId, i])).values()];

/** The pod's own namespace, from the service account Kubernetes mounts into every pod. */
export function podNamespace(file = '/var/run/secrets/kubernetes.io/serviceaccount/namespace'): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Discovery mode `kubernetes`: instances come from cluster DNS, so registering is Kubernetes'
 * job (a pod is in DNS while it is ready) and register/deregister do nothing. Services are
 * resolved in the background once asked for, and again every refresh interval; `instances()`
 * answers from that cache without touching the network.
 */
export class KubernetesDiscovery implements DiscoveryClient {
  readonly mode = 'kubernetes';
  private readonly options: KubernetesDiscoveryOptions;
  private readonly resolver: DnsResolver;
  private readonly cache = new Map<string, ServiceInstance[]>();
  private readonly failing = new Set<string>();
  private readonly listeners = new Set<InstancesListener>();
  private readonly inFlight = new Map<string, Promise<ServiceInstance[]>>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(options: KubernetesDiscoveryOptions = {}) {
    this.options = options;
    this.resolver = options.resolver ?? new Resolver({ timeout: 1000, tries: 2 });
    this.timer = setInterval(() => this.refreshAll(), options.refreshIntervalMs ?? 2000);
    this.timer.unref();
  }

  async register(): Promise<void> {}

  async deregister(): Promise<void> {}

  instances(serviceId: string): ServiceInstance[] {
    const id = serviceId.toLowerCase();
    if (!this.cache.has(id)) void this.resolve(id).catch(() => {});
    return this.cache.get(id) ?? [];
  }

  services(): string[] {
    return [...this.cache.keys()];
  }

  /** Resolves a service now (and keeps tracking it); a way to warm the cache at startup. */
  resolve(serviceId: string): Promise<ServiceInstance[]> {
    const id = serviceId.toLowerCase();
    if (!this.cache.has(id)) this.cache.set(id, []);
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = resolveKubernetesService(id, this.resolver, this.options)
        .then((instances) => {
          this.failing.delete(id);
          this.update(id, instances);
          return instances;
        })
        .catch((error: unknown) => {
          // Keep the last known instances: a DNS hiccup is not an outage of the service.
          this.failing.add(id);
          throw error;
        })
        .finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  watch(listener: InstancesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  healthy(): boolean {
    return this.failing.size === 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.listeners.clear();
  }

  private refreshAll(): void {
    if (this.closed) return;
    for (const id of this.cache.keys()) void this.resolve(id).catch(() => {});
  }

  private update(id: string, instances: ServiceInstance[]): void {
    const before = JSON.stringify(this.cache.get(id) ?? []);
    this.cache.set(id, instances);
    if (before === JSON.stringify(instances)) return;
    for (const listener of this.listeners) listener(id, instances);
  }
}

import type { DiscoveryClient, InstancesListener, ServiceInstance } from './discovery-client.ts';

/**
 * Parses `user=http://127.0.0.1:4001,http://127.0.0.1:4002;channel=http://127.0.0.1:4100`.
 * Throws with the offending entry named when a URL or service id is malformed.
 */
export function parseStaticInstances(spec: string): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  for (const entry of spec
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf('=');
    const serviceId = entry.slice(0, eq).trim().toLowerCase();
    if (eq <= 0 || !/^[a-z][a-z0-9-]*$/.test(serviceId)) {
      throw new Error(`discovery.static.instances: bad entry "${entry}" (expected service=url[,url])`);
    }
    for (const raw of entry
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Error(`discovery.static.instances: "${raw}" for ${serviceId} is not a URL`);
      }
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const host = url.hostname.replace(/^\[|\]$/g, '');
      out.push({ serviceId, instanceId: `${host}:${serviceId}:${port}`, host, port, status: 'UP', metadata: {} });
    }
  }
  return out;
}

/** Instances fixed by configuration; registering only adds this instance to the local view. */
export class StaticDiscovery implements DiscoveryClient {
  readonly mode = 'static';
  private readonly byService = new Map<string, ServiceInstance[]>();
  private readonly listeners = new Set<InstancesListener>();
  private self: ServiceInstance | undefined;

  constructor(instances: ServiceInstance[]) {
    for (const i of instances) this.byService.set(i.serviceId, [...(this.byService.get(i.serviceId) ?? []), i]);
  }

  async register(self: ServiceInstance): Promise<void> {
    this.self = self;
    this.set(self.serviceId, [...this.instances(self.serviceId).filter((i) => i.instanceId !== self.instanceId), self]);
  }

  async deregister(): Promise<void> {
    const self = this.self;
    if (!self) return;
    this.self = undefined;
    this.set(
      self.serviceId,
      this.instances(self.serviceId).filter((i) => i.instanceId !== self.instanceId),
    );
  }

  instances(serviceId: string): ServiceInstance[] {
    return (this.byService.get(serviceId.toLowerCase()) ?? []).filter((i) => i.status === 'UP');
  }

  services(): string[] {
    return [...this.byService.keys()];
  }

  /** Replaces a service's instances (tests and the orchestrator use this). */
  set(serviceId: string, instances: ServiceInstance[]): void {
    this.byService.set(serviceId, instances);
    for (const listener of this.listeners) listener(serviceId, this.instances(serviceId));
  }

  watch(listener: InstancesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

import { type DiscoveryClient, instanceUrl } from '@phzzk/kit';
import { UnavailableError } from '../domain/ports.ts';

export interface ServiceClientOptions {
  discovery: DiscoveryClient;
  serviceId: string;
  /** Budget for one call, every instance tried included. */
  timeoutMs: () => number;
  /** This service's signed credential for the other service's /internal routes (ctx.trust.internalHeaders). */
  credential: (method: string, path: string) => Record<string, string>;
}

/**
 * GET on another service found through discovery (as ingest calls the channel service): an
 * instance that cannot be reached or answers 5xx is skipped for the next; 2xx and 404 are answers.
 */
export class ServiceClient {
  private readonly options: ServiceClientOptions;
  private next = 0;

  constructor(options: ServiceClientOptions) {
    this.options = options;
  }

  /** The JSON body of a 200, undefined for a 404; UnavailableError when no instance answers. */
  async get<T>(path: string): Promise<T | undefined> {
    const { discovery, serviceId } = this.options;
    const instances = discovery.instances(serviceId);
    if (instances.length === 0) throw new UnavailableError(`no ${serviceId} instance in discovery`);
    const deadline = AbortSignal.timeout(this.options.timeoutMs());
    const start = this.next++ % instances.length;
    const failures: string[] = [];
    for (let i = 0; i < instances.length; i++) {
      const instance = instances[(start + i) % instances.length]!;
      try {
        const response = await fetch(`${instanceUrl(instance)}${path}`, {
          headers: this.options.credential('GET', path),
          signal: deadline,
        });
        if (response.status === 200) return (await response.json()) as T;
        await response.body?.cancel();
        if (response.status === 404) return undefined;
        failures.push(`${instance.instanceId}: HTTP ${response.status}`);
        if (response.status < 500) break;
      } catch (error) {
        failures.push(`${instance.instanceId}: ${(error as Error).message}`);
        if (deadline.aborted) break;
      }
    }
    throw new UnavailableError(`${serviceId} did not answer: ${failures.join('; ')}`);
  }
}

/** A small TTL cache that also shares one lookup between concurrent callers. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly maxEntries: number;

  constructor(maxEntries = 100_000) {
    this.maxEntries = maxEntries;
  }

  async get(key: string, ttlMs: (value: V) => number, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > Date.now()) return hit.value;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = load()
        .then((value) => {
          if (this.entries.size >= this.maxEntries) this.entries.clear();
          this.entries.set(key, { value, expires: Date.now() + ttlMs(value) });
          return value;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

export type InstanceStatus = 'UP' | 'DOWN' | 'STARTING' | 'OUT_OF_SERVICE' | 'UNKNOWN';

export interface ServiceInstance {
  /** Lower-case service id, e.g. `user` (Eureka's APP name upper-cased). */
  serviceId: string;
  instanceId: string;
  host: string;
  port: number;
  status: InstanceStatus;
  metadata: Record<string, string>;
}

export type InstancesListener = (serviceId: string, instances: ServiceInstance[]) => void;

/**
 * How a service announces itself and finds others. Implementations: `static` (instances from
 * configuration), `eureka` (PHZZK discovery or any Eureka server), `kubernetes` (cluster DNS).
 */
export interface DiscoveryClient {
  readonly mode: string;
  /** Registers this instance and keeps its lease alive until deregister(). */
  register(self: ServiceInstance): Promise<void>;
  /** Removes this instance first on shutdown, so routers stop sending it requests. */
  deregister(): Promise<void>;
  /** Instances of a service that are UP, from the local view (never a network call per request). */
  instances(serviceId: string): ServiceInstance[];
  /** All known service ids. */
  services(): string[];
  /** Called on every change of a service's instances. Returns an unsubscribe function. */
  watch(listener: InstancesListener): () => void;
  /** Whether the client currently has a working view of the registry. */
  healthy(): boolean;
  close(): Promise<void>;
}

export const instanceUrl = (i: Pick<ServiceInstance, 'host' | 'port'>): string =>
  `http://${i.host.includes(':') ? `[${i.host}]` : i.host}:${i.port}`;

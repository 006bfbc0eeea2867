/** Metadata the discovery server sets on every instance: the user name of the credential that registered it. */
export const REGISTERED_BY_METADATA = 'phzzk.registered-by';

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
  /**
   * Eureka mode: the user name this client registers with (from the discovery URL). The server
   * stamps it on every instance it registered (`phzzk.registered-by`), so a reader can tell the
   * platform's instances from ones registered under another credential.
   */
  readonly registrant?: string | undefined;
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

/**
 * Whether an instance was put into discovery by the platform itself: always for static and
 * Kubernetes discovery (configuration or the cluster said so); with Eureka only when the server
 * says the instance was registered with this client's own credential. A client without
 * credentials trusts no registration (anyone could have made it).
 */
export function registeredByPlatform(
  discovery: Pick<DiscoveryClient, 'mode' | 'registrant'>,
  instance: ServiceInstance,
) {
  if (discovery.mode !== 'eureka') return true;
  return discovery.registrant !== undefined && instance.metadata[REGISTERED_BY_METADATA] === discovery.registrant;
}

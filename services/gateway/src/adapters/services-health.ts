import { type DiscoveryClient, instanceUrl } from '@phzzk/kit';

export interface ServiceHealthSummary {
  service: string;
  up: number;
  total: number;
}

/** Asks every registered instance of every service for its /health, in parallel, with a short timeout. */
export async function collectServicesHealth(discovery: DiscoveryClient, self: string, timeoutMs = 1000) {
  const services = discovery.services().filter((s) => s !== self);
  return Promise.all(
    services.map(async (service): Promise<ServiceHealthSummary> => {
      const instances = discovery.instances(service);
      const results = await Promise.all(
        instances.map((i) =>
          fetch(`${instanceUrl(i)}/health`, { signal: AbortSignal.timeout(timeoutMs) })
            .then((r) => r.status === 200)
            .catch(() => false),
        ),
      );
      return { service, up: results.filter(Boolean).length, total: instances.length };
    }),
  );
}

import { buildServiceApp, createLogger, createMetricsRegistry, HealthRegistry, type ServiceApp } from '@phzzk/kit';

/**
 * The kit app a service's routes are added to, for route tests through `inject()`: the same
 * validation, problem+json errors and OpenAPI document as in production, no infrastructure.
 */
export function routeTestApp(service: string): ServiceApp {
  return buildServiceApp({
    identity: { service, version: '0.0.0-test', instanceId: `${service}-test` },
    logger: createLogger({ service, instanceId: `${service}-test`, level: 'silent' }),
    health: new HealthRegistry(),
    metrics: createMetricsRegistry(service, `${service}-test`),
  });
}

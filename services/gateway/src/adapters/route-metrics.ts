import { Counter, Histogram, type Registry } from 'prom-client';

/** Per-route gateway metrics: latency by route and upstream status, retries, and rejections. */
export function createRouteMetrics(registry: Registry) {
  return {
    duration: new Histogram({
      name: 'gateway_route_request_duration_seconds',
      help: 'Proxied request duration by route and status',
      labelNames: ['route', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Requests retried on another instance after an instance failure',
      labelNames: ['route'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'gateway_rejected_requests_total',
      help: 'Requests refused by the gateway itself, by reason',
      labelNames: ['route', 'reason'],
      registers: [registry],
    }),
  };
}

export type RouteMetrics = ReturnType<typeof createRouteMetrics>;

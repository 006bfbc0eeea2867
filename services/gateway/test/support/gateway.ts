import type { Server } from 'node:http';
import type { AddressInfo, Server as TcpServer } from 'node:net';
import { type DiscoveryClient, type ServiceInstance, startService } from '@phzzk/kit';
import { testInfra } from '@phzzk/testing';
import { gatewayService } from '../../src/service.ts';

/** A route rate limit of 0: the route is never limited (the tests count nothing against Redis). */
export const UNLIMITED = { limit: 0, windowMs: 1 };

/** A JWKS address nothing answers at, for gateways whose tests send no tokens. */
export const NO_JWKS_URI = 'http://127.0.0.1:9/jwks.json';

export type RunningGateway = Awaited<ReturnType<typeof startService>>;

/** Listens on a free local port and returns it. */
export async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** An instance of `serviceId` at 127.0.0.1:`port`, UP. */
export function localInstance(serviceId: string, port: number, instanceId = `${serviceId}-${port}`): ServiceInstance {
  return { serviceId, instanceId, host: '127.0.0.1', port, status: 'UP', metadata: {} };
}

/**
 * A gateway on a free port, silent, on the test Redis, with these routes and this discovery;
 * `env` adds or overrides configuration.
 */
export async function startGateway(options: {
  routes: object[];
  discovery: DiscoveryClient;
  env?: Record<string, string>;
}): Promise<RunningGateway> {
  return startService(gatewayService, {
    env: {
      SERVER_PORT: '0',
      LOG_LEVEL: 'silent',
      REDIS_URL: (await testInfra()).redisUrl,
      GATEWAY_ROUTES: JSON.stringify(options.routes),
      ...options.env,
    },
    discovery: options.discovery,
  });
}

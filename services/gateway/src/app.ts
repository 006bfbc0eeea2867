import type { DiscoveryClient, ServiceApp, ServiceTrust } from '@phzzk/kit';
import type { JwtVerifier } from './adapters/jwt-verifier.ts';
import type { RevokedSessions } from './adapters/revoked-sessions.ts';
import { installSecurityHeaders } from './adapters/security-headers.ts';
import { installWebSocketProxy } from './adapters/websocket-proxy.ts';
import type { LoadBalancer } from './domain/load-balancer.ts';
import type { RouteDefinition } from './domain/route-table.ts';

export interface GatewayAppDeps {
  app: ServiceApp;
  discovery: DiscoveryClient;
  balancer: LoadBalancer;
  verifier: JwtVerifier;
  revoked: RevokedSessions | undefined;
  trust: ServiceTrust;
  routes: () => RouteDefinition[];
  locatorEnabled: () => boolean;
}

/**
 * What the gateway adds to a kit app besides the HTTP proxy (which runs before Fastify, see
 * routes/proxy-handler.ts): WebSocket upgrade proxying and security headers on its own answers.
 */
export function buildGatewayApp(deps: GatewayAppDeps): ServiceApp {
  installSecurityHeaders(deps.app);
  installWebSocketProxy(deps.app, {
    routes: deps.routes,
    discovery: deps.discovery,
    locatorEnabled: deps.locatorEnabled,
    verifier: deps.verifier,
    revoked: deps.revoked,
    trust: deps.trust,
    balancer: deps.balancer,
  });
  return deps.app;
}

import type { DiscoveryClient, ServiceApp } from '@phzzk/kit';
import type { JwtVerifier } from './adapters/jwt-verifier.ts';
import type { RevokedSessions } from './adapters/revoked-sessions.ts';
import { installSecurityHeaders } from './adapters/security-headers.ts';
import { installWebSocketProxy } from './adapters/websocket-proxy.ts';
import type { LoadBalancer } from './domain/load-balancer.ts';
import type { PublicApiDocument } from './domain/public-api-document.ts';
import type { RouteDefinition } from './domain/route-table.ts';
import { openApiRoute } from './routes/openapi-route.ts';

export interface GatewayAppDeps {
  app: ServiceApp;
  discovery: DiscoveryClient;
  balancer: LoadBalancer;
  verifier: JwtVerifier;
  revoked: RevokedSessions | undefined;
  routes: () => RouteDefinition[];
  locatorEnabled: () => boolean;
  /** The merged OpenAPI document of the public API, served at /api/openapi.json. */
  apiDocument?: PublicApiDocument;
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
    balancer: deps.balancer,
  });
  if (deps.apiDocument) openApiRoute(deps.app, deps.apiDocument);
  return deps.app;
}

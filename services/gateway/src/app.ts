import { createHash, timingSafeEqual } from 'node:crypto';
import { decidePath, type DiscoveryClient, type HealthRegistry, type ServiceApp, type ServiceTrust } from '@phzzk/kit';
import type { JwtVerifier } from './adapters/jwt-verifier.ts';
import type { RateLimitCounter } from './domain/ports.ts';
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
  trust: ServiceTrust;
  routes: () => RouteDefinition[];
  locatorEnabled: () => boolean;
  health: HealthRegistry;
  /** The bearer token of operators (/metrics, /info, detailed /health); unset: nobody. */
  operatorToken: () => string | undefined;
  proxy: { rateLimiter: RateLimitCounter | undefined; defaultTimeoutMs: () => number };
  upgradesPerMinute: () => number;
  /** The merged OpenAPI document of the public API, served at /api/openapi.json. */
  apiDocument?: PublicApiDocument;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function isOperator(authorization: string | undefined, token: string | undefined): boolean {
  if (!token || !authorization?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(authorization.slice(7).trim()), digest(token));
}

/**
 * The gateway's own paths are for operators: /metrics, /info and /health with its checks need
 * the operator token; anyone else gets only up or down on /health (what a load balancer needs).
 */
function installOperatorGate(deps: GatewayAppDeps): void {
  deps.app.addHook('onRequest', async (request, reply) => {
    const at = decidePath(request.url);
    if (!at.ok) return; // the kit's own hook refuses it
    const path = at.path.replace(/\/+$/, '') || '/';
    const own = path === '/metrics' || path === '/info' || path === '/health' || path.startsWith('/health/');
    if (!own || isOperator(request.headers.authorization, deps.operatorToken())) return;
    if (path === '/health' || path === '/health/readiness' || path === '/health/liveness') {
      const { status } = path === '/health/liveness' ? { status: 'up' } : await deps.health.report();
      return reply.code(status === 'up' ? 200 : 503).send({ status });
    }
    return reply
      .code(404)
      .type('application/problem+json; charset=utf-8')
      .send({
        type: 'urn:phzzk:problem:route-not-found',
        title: 'Not Found',
        status: 404,
        code: 'ROUTE_NOT_FOUND',
        detail: `No route for ${request.method} ${at.rawPath}`,
      });
  });
}

/**
 * What the gateway adds to a kit app besides the HTTP proxy (which runs before Fastify, see
 * routes/proxy-handler.ts): WebSocket upgrade proxying, security headers on its own answers, and
 * its operator paths behind the operator token.
 */
export function buildGatewayApp(deps: GatewayAppDeps): ServiceApp {
  installSecurityHeaders(deps.app);
  installOperatorGate(deps);
  installWebSocketProxy(deps.app, {
    routes: deps.routes,
    discovery: deps.discovery,
    locatorEnabled: deps.locatorEnabled,
    verifier: deps.verifier,
    revoked: deps.revoked,
    trust: deps.trust,
    balancer: deps.balancer,
    rateLimiter: deps.proxy.rateLimiter,
    upgradesPerMinute: deps.upgradesPerMinute,
    defaultTimeoutMs: deps.proxy.defaultTimeoutMs,
    logger: deps.app.log,
  });
  if (deps.apiDocument) openApiRoute(deps.app, deps.apiDocument);
  return deps.app;
}

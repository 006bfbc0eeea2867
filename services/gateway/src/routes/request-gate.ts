import { type DiscoveryClient, ProblemError } from '@phzzk/kit';
import type { JwtVerifier } from '../adapters/jwt-verifier.ts';
import { TokenRejected } from '../adapters/jwt-verifier.ts';
import type { RevokedSessions } from '../adapters/revoked-sessions.ts';
import { type AccessClaims, bearerToken } from '../domain/access-claims.ts';
import { locatorRoute, matchRoute, type RouteDefinition, type RouteMatch } from '../domain/route-table.ts';

export interface GateDeps {
  routes: () => RouteDefinition[];
  discovery: DiscoveryClient;
  locatorEnabled: () => boolean;
  verifier: JwtVerifier;
  revoked: RevokedSessions | undefined;
}

/** Which route a request takes: configured routes first, then the discovery locator when enabled. */
export function resolveRoute(deps: GateDeps, method: string, url: string): RouteMatch {
  const match =
    matchRoute(deps.routes(), url) ??
    (deps.locatorEnabled() ? locatorRoute(url, deps.discovery.services()) : undefined);
  // Services keep their service-to-service endpoints under /internal: never reachable from outside,
  // whatever a route or the discovery locator would map a path to.
  if (!match || /^\/internal(\/|$|\?)/i.test(match.upstreamPath)) {
    throw new ProblemError(404, 'ROUTE_NOT_FOUND', `No route for ${method} ${url.split('?')[0]}`);
  }
  return match;
}

function unauthorized(code: string, detail: string): ProblemError {
  return new ProblemError(401, code, detail, { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
}

/**
 * Verifies the access token locally (no network call per request) and checks its session against
 * the revocation set. Returns the identity, or undefined for an anonymous request on an open route.
 */
export async function authenticate(
  deps: GateDeps,
  route: RouteDefinition,
  authorization: string | undefined,
  url: string,
  upgrade: boolean,
): Promise<AccessClaims | undefined> {
  const token = bearerToken(authorization, url, upgrade);
  if (token === undefined) {
    if (route.auth === 'required') {
      throw new ProblemError(401, 'AUTH_REQUIRED', `Route ${route.id} needs an access token`, {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    return undefined;
  }
  if (token === '') throw unauthorized('TOKEN_INVALID', 'Authorization must be "Bearer <access token>"');
  let claims: AccessClaims;
  try {
    claims = await deps.verifier.verify(token);
  } catch (error) {
    if (error instanceof TokenRejected) throw unauthorized(error.code, error.message);
    throw error;
  }
  if (deps.revoked?.has(claims.sid)) throw unauthorized('TOKEN_REVOKED', 'the session of this token has ended');
  return claims;
}

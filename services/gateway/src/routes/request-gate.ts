import { type DiscoveryClient, decidePath, ProblemError, type ServiceTrust } from '@phzzk/kit';
import { type AccessClaims, bearerToken, isTokenSyntax, TokenRejected } from '../domain/access-claims.ts';
import type { RevocationSet, TokenVerifier } from '../domain/ports.ts';
import {
  locatorRoute,
  matchRoute,
  type RouteDefinition,
  type RouteMatch,
  reachesInternal,
} from '../domain/route-table.ts';

export interface GateDeps {
  routes: () => RouteDefinition[];
  discovery: DiscoveryClient;
  locatorEnabled: () => boolean;
  verifier: TokenVerifier;
  revoked: RevocationSet | undefined;
  /** Signs the identity passed on to services (the platform's service key). */
  trust: ServiceTrust;
}

/**
 * Which route a request takes: configured routes first, then the discovery locator when enabled,
 * matched on the path as decidePath decodes it (what the service routes on); a path that would
 * decode to something else than it normalizes to is refused (400).
 */
export function resolveRoute(deps: GateDeps, method: string, url: string): RouteMatch {
  const at = decidePath(url);
  if (!at.ok) throw new ProblemError(400, 'PATH_REFUSED', `Refused path: ${at.reason}`);
  const match =
    matchRoute(deps.routes(), at) ?? (deps.locatorEnabled() ? locatorRoute(at, deps.discovery.services()) : undefined);
  // Services keep their service-to-service endpoints under /internal: never reachable from outside,
  // whatever a route or the discovery locator would map a path to.
  if (!match || reachesInternal(match)) {
    throw new ProblemError(404, 'ROUTE_NOT_FOUND', `No route for ${method} ${at.rawPath}`);
  }
  return match;
}

function unauthorized(code: string, detail: string): ProblemError {
  return new ProblemError(401, code, detail, { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
}

function admitted(deps: GateDeps, claims: AccessClaims): AccessClaims {
  if (deps.revoked?.has(claims.sid)) throw unauthorized('TOKEN_REVOKED', 'the session of this token has ended');
  return claims;
}

/**
 * Verifies the access token locally (no network call per request) and checks its session against
 * the revocation set. Returns the identity, or undefined for an anonymous request on an open route.
 * A token verified before answers synchronously (no promise on the hot path); a new one is
 * verified asynchronously. Refusals are thrown (or rejected) as 401 problems.
 */
export function authenticate(
  deps: GateDeps,
  route: RouteDefinition,
  authorization: string | undefined,
  url: string,
  upgrade: boolean,
): AccessClaims | undefined | Promise<AccessClaims> {
  const token = bearerToken(authorization, url, upgrade);
  if (token === undefined) {
    if (route.auth === 'required') {
      throw new ProblemError(401, 'AUTH_REQUIRED', `Route ${route.id} needs an access token`, {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    return undefined;
  }
  // A cached token was verified, so it has the right syntax; only an unknown one is checked.
  const known = token === '' ? undefined : deps.verifier.cached(token);
  if (known) return admitted(deps, known);
  if (!isTokenSyntax(token)) throw unauthorized('TOKEN_INVALID', 'Authorization must be "Bearer <access token>"');
  return deps.verifier.verify(token).then(
    (claims) => admitted(deps, claims),
    (error: unknown) => {
      if (error instanceof TokenRejected) throw unauthorized(error.code, error.message);
      throw error;
    },
  );
}

import { decidePath, isInternalPath } from '@phzzk/kit';

export interface RouteDefinition {
  id: string;
  /**
   * Path predicate: an exact path, or a prefix ending in `/**` (Spring Cloud Gateway style); a
   * segment that is a lone star matches any one non-empty segment (chat history: /api/chat/{star}/messages).
   */
  path: string;
  /** Service id in discovery. */
  service: string;
  /** Leading path segments to drop before forwarding (Spring's StripPrefix). */
  stripPrefix?: number;
  timeoutMs?: number;
  /** `required`: no token, no entry. `optional` (default): a token is verified when present. */
  auth?: 'required' | 'optional';
  /** Requests per window per client (user, else IP); 0 disables. Falls back to the gateway default. */
  rateLimit?: { limit: number; windowMs: number };
  /**
   * Sticky routing to the instance holding an entity: the first path segment after the route's
   * base is the entity id, and Redis key `<holderKey><id>` names the holder's instance id
   * (e.g. `/hls/{channelId}/**` -> `phzzk:transcoder:holder:<channelId>`).
   */
  holderKey?: string;
}

/** The entity id a sticky route is keyed by: the first segment after the route's base path. */
export function holderEntityId(route: RouteDefinition, url: string): string | undefined {
  const base = route.path.endsWith('/**') ? route.path.slice(0, -3) : route.path;
  const rest = (url.split('?')[0] ?? '').slice(base.length).split('/').filter(Boolean);
  const id = rest[0];
  return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
}

export interface RouteMatch {
  route: RouteDefinition;
  /** The path (with query) to send upstream: as received, its first `stripPrefix` segments dropped. */
  upstreamPath: string;
  /** The same path decoded: what the service will route on (and every check here is made on). */
  upstreamDecoded: string;
}

/** A request target as decidePath accepted it. */
export interface DecidedPath {
  path: string;
  rawPath: string;
  query: string;
}

function decided(target: string | DecidedPath): DecidedPath | undefined {
  if (typeof target !== 'string') return target;
  const decision = decidePath(target);
  return decision.ok ? decision : undefined;
}

function matches(pattern: string, path: string): boolean {
  if (pattern.includes('/*/') || pattern.endsWith('/*')) return matchesSegments(pattern, path);
  if (pattern.endsWith('/**')) {
    const base = pattern.slice(0, -3);
    return path === base || path.startsWith(`${base}/`) || base === '';
  }
  return path === pattern;
}

/** A pattern with lone-star segments, compared segment by segment (a final double star still means "and below"). */
function matchesSegments(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const prefix = want.at(-1) === '**';
  if (prefix) want.pop();
  const have = path.split('/');
  if (prefix ? have.length < want.length : have.length !== want.length) return false;
  return want.every((segment, i) => (segment === '*' ? have[i] !== '' : segment === have[i]));
}

export function stripSegments(path: string, count: number): string {
  if (count <= 0) return path;
  const segments = path.split('/').filter((_, i) => i !== 0);
  const rest = segments.slice(count).join('/');
  return `/${rest}`;
}

/**
 * Paths of the platform's own namespaces: a catch-all route (`/**`, the web app) never takes them,
 * so an API, media or locator path no route serves is the gateway's 404 problem, not a web page,
 * and a path the locator refused never reaches another service.
 */
const RESERVED_PREFIXES = ['/api', '/ws', '/hls', '/vod', '/svc', '/internal'];
const isReserved = (path: string) => RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * Picks the route for a request path: the most specific predicate wins (longest literal prefix),
 * so `/api/auth/**` beats `/api/**` whatever their order in configuration.
 */
export function matchRoute(routes: RouteDefinition[], target: string | DecidedPath): RouteMatch | undefined {
  const at = decided(target);
  if (!at) return undefined;
  let best: RouteDefinition | undefined;
  for (const route of routes) {
    if (!matches(route.path, at.path)) continue;
    if (!best || route.path.replace('/**', '').length > best.path.replace('/**', '').length) best = route;
  }
  if (!best || (best.path === '/**' && isReserved(at.path.toLowerCase()))) return undefined;
  return routeMatch(best, at, best.stripPrefix ?? 0);
}

/** A decided path has no empty or encoded separators: raw and decoded segments line up one to one. */
function routeMatch(route: RouteDefinition, at: DecidedPath, strip: number): RouteMatch {
  return {
    route,
    upstreamPath: `${stripSegments(at.rawPath, strip)}${at.query}`,
    upstreamDecoded: stripSegments(at.path, strip),
  };
}

/** What the discovery locator never reaches: the gateway itself (no loops), discovery and config. */
export const LOCATOR_EXCLUDED = new Set(['gateway', 'discovery', 'config']);

/** Service-to-service endpoints are never reachable through the gateway, whatever maps there. */
export function reachesInternal(match: RouteMatch): boolean {
  return isInternalPath(match.upstreamDecoded);
}

/**
 * Spring Cloud Gateway's discovery locator: `/svc/{serviceId}/**` reaches any registered service,
 * with the two leading segments stripped. Only for ids discovery knows, never for the gateway,
 * discovery or config (LOCATOR_EXCLUDED), decided on the decoded path.
 */
export function locatorRoute(target: string | DecidedPath, knownServices: readonly string[]): RouteMatch | undefined {
  const at = decided(target);
  if (!at) return undefined;
  const match = /^\/svc\/([a-z][a-z0-9-]{0,63})(\/.*)?$/.exec(at.path);
  const service = match?.[1];
  if (!service || LOCATOR_EXCLUDED.has(service) || !knownServices.includes(service)) return undefined;
  const route: RouteDefinition = { id: `svc-${service}`, path: `/svc/${service}/**`, service, stripPrefix: 2 };
  return routeMatch(route, at, 2);
}

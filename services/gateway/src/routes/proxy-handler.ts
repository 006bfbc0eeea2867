import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DiscoveryClient,
  instanceUrl,
  type Logger,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problemBody,
  requestIdFrom,
  type ServiceInstance,
} from '@phzzk/kit';
import type { HolderResolver } from '../adapters/holder-resolver.ts';
import type { RateLimiter } from '../adapters/rate-limiter.ts';
import type { RouteMetrics } from '../adapters/route-metrics.ts';
import { ClientLink, type UpstreamClient } from '../adapters/upstream-client.ts';
import { identityHeaders } from '../domain/access-claims.ts';
import { corsHeaders, preflightHeaders, SECURITY_HEADERS } from '../domain/cors.ts';
import { type FlatHeaders, upstreamRequestHeaders } from '../domain/forward-headers.ts';
import type { LoadBalancer } from '../domain/load-balancer.ts';
import { canRetry, errorCode, isInstanceFailure } from '../domain/retry-policy.ts';
import { holderEntityId, type RouteDefinition, type RouteMatch } from '../domain/route-table.ts';
import { authenticate, type GateDeps, resolveRoute } from './request-gate.ts';

export interface ProxyDeps extends GateDeps {
  discovery: DiscoveryClient;
  balancer: LoadBalancer;
  upstream: UpstreamClient;
  metrics: RouteMetrics;
  rateLimiter: RateLimiter | undefined;
  defaultRateLimit: () => { limit: number; windowMs: number };
  defaultTimeoutMs: () => number;
  holders: HolderResolver | undefined;
  corsOrigins: () => string[];
  bodyLimit: number;
  logger: Logger;
  maxAttempts?: number;
}

/** Paths the kit's own routes answer (through Fastify), never proxied. */
const OWN_PATHS = /^\/(health|metrics|info)(\/|$|\?)/;
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);
const SECURITY_FLAT: FlatHeaders = Object.entries(SECURITY_HEADERS).flat();

function flat(headers: Record<string, string> | undefined): FlatHeaders {
  return headers ? Object.entries(headers).flat() : [];
}

function sendProblem(res: ServerResponse, error: ProblemError, own: FlatHeaders, requestId: string, path: string) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { retryAfter, headers, ...extra } = error.extra;
  const body = JSON.stringify({
    ...problemBody(error.status, error.code, error.message, extra),
    instance: path,
    requestId,
  });
  const out = [...own, ...flat(headers as Record<string, string> | undefined)];
  if (typeof retryAfter === 'number') out.push('retry-after', String(Math.ceil(retryAfter)));
  out.push('content-type', PROBLEM_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(body)));
  res.writeHead(error.status, out);
  res.end(body);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (BODYLESS.has(req.method ?? 'GET') && !req.headers['content-length'] && !req.headers['transfer-encoding'])
    return undefined;
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new ProblemError(413, 'BODY_TOO_LARGE', `Request bodies are limited to ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ProblemError(413, 'BODY_TOO_LARGE', `Request bodies are limited to ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** For a sticky route only the holder of the entity (re-read after a failure: a takeover), else any instance. */
async function candidates(
  deps: ProxyDeps,
  route: RouteDefinition,
  url: string,
  attempt: number,
): Promise<ServiceInstance[]> {
  const all = deps.discovery.instances(route.service);
  if (!route.holderKey) return all;
  const id = holderEntityId(route, url);
  if (!id || !deps.holders) throw new ProblemError(404, 'NOT_FOUND', `Nothing at ${url.split('?')[0]}`);
  if (attempt > 0) deps.holders.forget(route.holderKey, id);
  const holder = await deps.holders.holderOf(route.holderKey, id);
  if (!holder) throw new ProblemError(404, 'NOT_LIVE', `Nothing is live at ${url.split('?')[0]}`, { route: route.id });
  return all.filter((i) => i.instanceId === holder);
}

async function enforceRateLimit(deps: ProxyDeps, route: RouteDefinition, client: string): Promise<void> {
  const { limit, windowMs } = route.rateLimit ?? deps.defaultRateLimit();
  if (!deps.rateLimiter || limit <= 0) return;
  let decision: Awaited<ReturnType<RateLimiter['hit']>>;
  try {
    decision = await deps.rateLimiter.hit(`${route.id}:${client}`, limit, windowMs);
  } catch (error) {
    deps.logger.warn({ err: error }, 'rate limiter unavailable, letting the request pass');
    return;
  }
  if (!decision.allowed) {
    deps.metrics.rejected.inc({ route: route.id, reason: 'rate-limited' });
    throw new ProblemError(429, 'RATE_LIMITED', `Too many requests on route ${route.id}; retry later`, {
      route: route.id,
      retryAfter: decision.resetMs / 1000,
      headers: { 'ratelimit-limit': String(decision.limit), 'ratelimit-remaining': '0' },
    });
  }
}

async function forward(
  deps: ProxyDeps,
  match: RouteMatch,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  ownHeaders: FlatHeaders,
) {
  const { route, upstreamPath } = match;
  const url = req.url ?? '/';
  const claims = await authenticate(deps, route, req.headers.authorization, url, false).catch((error) => {
    deps.metrics.rejected.inc({ route: route.id, reason: 'unauthenticated' });
    throw error;
  });
  const clientIp = req.socket.remoteAddress ?? '';
  await enforceRateLimit(deps, route, claims ? `u:${claims.sub}` : `ip:${clientIp}`);
  const body = await readBody(req, deps.bodyLimit);
  const headers = upstreamRequestHeaders(req, {
    clientIp,
    requestId,
    host: req.headers.host ?? '',
    proto: 'http',
    trusted: claims ? identityHeaders(claims) : {},
  });
  const method = req.method ?? 'GET';
  // A client that goes away (e.g. a player abandoning a blocking playlist request) frees the upstream too.
  const link = new ClientLink(res);
  const tried = new Set<string>();
  let lastError: unknown;
  for (let attempt = 0; attempt < (deps.maxAttempts ?? 3); attempt++) {
    const pool = await candidates(deps, route, url, attempt);
    // A sticky route may retry the same holder (a successor may have taken its place).
    const instance = deps.balancer.pick(route.service, pool, route.holderKey ? new Set() : tried);
    if (!instance) break;
    if (attempt > 0) deps.metrics.retries.inc({ route: route.id });
    tried.add(instance.instanceId);
    try {
      return await deps.upstream.relay(
        {
          origin: instanceUrl(instance),
          path: upstreamPath,
          method,
          headers,
          body,
          timeoutMs: route.timeoutMs ?? deps.defaultTimeoutMs(),
          ownHeaders,
          onStatus: (status) => {
            if (status >= 500) deps.balancer.failure(instance.instanceId);
            else deps.balancer.success(instance.instanceId);
          },
        },
        res,
        link,
      );
    } catch (error) {
      if (link.gone) return 499; // the client went away: nothing to relay, nothing to retry
      lastError = error;
      if (isInstanceFailure(error)) deps.balancer.eject(instance.instanceId);
      else deps.balancer.failure(instance.instanceId);
      deps.logger.warn(
        { route: route.id, instance: instance.instanceId, code: errorCode(error), requestId },
        'upstream failed',
      );
      if (!canRetry(method, error)) break;
    }
  }
  if (tried.size === 0) {
    throw new ProblemError(503, 'NO_INSTANCE', `No instance of the service behind route ${route.id} is available`, {
      route: route.id,
    });
  }
  const code = errorCode(lastError);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    throw new ProblemError(504, 'UPSTREAM_TIMEOUT', `The service behind route ${route.id} did not answer in time`, {
      route: route.id,
    });
  }
  throw new ProblemError(502, 'UPSTREAM_UNREACHABLE', `The service behind route ${route.id} could not be reached`, {
    route: route.id,
  });
}

/**
 * The proxy, served on the HTTP server before Fastify (the gateway's hot path carries no framework
 * work per request): route, authenticate, rate-limit, pick an instance, forward, relay. A refused
 * or reset connection ejects that instance at once and, when safe, the request is retried on
 * another; clients see 502/503/504 problems naming the route and nothing internal.
 * Returns false for what Fastify answers: the kit's own routes and paths no route matches.
 */
export function createProxyHandler(deps: ProxyDeps, isClosing: () => boolean) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    if (OWN_PATHS.test(url)) return false;
    let match: RouteMatch;
    try {
      match = resolveRoute(deps, req.method ?? 'GET', url);
    } catch {
      return false;
    }
    const started = performance.now();
    const requestId = requestIdFrom(req);
    const path = url.split('?')[0] ?? '/';
    const own: FlatHeaders = ['x-request-id', requestId, ...SECURITY_FLAT];
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      const pre = preflightHeaders(
        path,
        origin,
        req.headers['access-control-request-headers'] as string | undefined,
        deps.corsOrigins(),
      );
      res.writeHead(204, [...own, ...flat(pre)]);
      res.end();
      return true;
    }
    if (origin) own.push(...flat(corsHeaders(path, origin, deps.corsOrigins())));
    const finish = (status: number) => {
      deps.metrics.duration.observe(
        { route: match.route.id, status_code: String(status) },
        (performance.now() - started) / 1000,
      );
      const level = status >= 500 ? 'error' : 'info';
      if (deps.logger.isLevelEnabled(level)) {
        deps.logger[level](
          {
            requestId,
            method: req.method,
            path,
            route: match.route.id,
            statusCode: status,
            ms: Math.round((performance.now() - started) * 100) / 100,
          },
          'request completed',
        );
      }
    };
    if (isClosing()) {
      sendProblem(
        res,
        new ProblemError(503, 'SHUTTING_DOWN', 'This gateway instance is shutting down; retry'),
        [...own, 'connection', 'close'],
        requestId,
        path,
      );
      finish(503);
      return true;
    }
    forward(deps, match, req, res, requestId, own).then(finish, (error: unknown) => {
      const problem =
        error instanceof ProblemError
          ? error
          : new ProblemError(500, 'INTERNAL_ERROR', 'An unexpected error occurred.');
      if (!(error instanceof ProblemError)) deps.logger.error({ err: error, requestId }, 'proxy error');
      sendProblem(res, problem, own, requestId, path);
      finish(problem.status);
    });
    return true;
  };
}

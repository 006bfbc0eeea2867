import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
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
import type { UpstreamClient } from '../adapters/upstream-client.ts';
import { identityHeaders } from '../domain/access-claims.ts';
import { corsHeaders, preflightHeaders, SECURITY_HEADERS } from '../domain/cors.ts';
import { requestHeadersForUpstream, responseHeadersForClient } from '../domain/forward-headers.ts';
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

function sendProblem(res: ServerResponse, error: ProblemError, requestId: string, path: string): void {
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
  if (typeof retryAfter === 'number') res.setHeader('retry-after', String(Math.ceil(retryAfter)));
  for (const [k, v] of Object.entries((headers as Record<string, string>) ?? {})) res.setHeader(k, v);
  res.writeHead(error.status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
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
  const headers = requestHeadersForUpstream(req.headers, {
    clientIp,
    requestId,
    host: req.headers.host ?? '',
    proto: 'http',
    trusted: claims ? identityHeaders(claims) : {},
  });
  const method = req.method ?? 'GET';
  // A client that goes away (e.g. a player abandoning a blocking playlist request) frees the upstream too.
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(); // aborting after a normal finish would cost a DOMException per request
  });
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
      const response = await deps.upstream.send(
        instanceUrl(instance),
        upstreamPath,
        method,
        headers,
        body,
        route.timeoutMs ?? deps.defaultTimeoutMs(),
        abort.signal,
      );
      if (response.status >= 500) deps.balancer.failure(instance.instanceId);
      else deps.balancer.success(instance.instanceId);
      res.writeHead(response.status, responseHeadersForClient(response.headers));
      if (Buffer.isBuffer(response.body)) res.end(response.body);
      else await pipeline(response.body, res).catch(() => {});
      return response.status;
    } catch (error) {
      if (abort.signal.aborted) return 499;
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
    res.setHeader('x-request-id', requestId);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      const pre = preflightHeaders(
        path,
        origin,
        req.headers['access-control-request-headers'] as string | undefined,
        deps.corsOrigins(),
      );
      res.writeHead(204, pre ?? {});
      res.end();
      return true;
    }
    const cors = corsHeaders(path, origin, deps.corsOrigins());
    if (cors) for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
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
      res.setHeader('connection', 'close');
      sendProblem(
        res,
        new ProblemError(503, 'SHUTTING_DOWN', 'This gateway instance is shutting down; retry'),
        requestId,
        path,
      );
      finish(503);
      return true;
    }
    forward(deps, match, req, res, requestId).then(finish, (error: unknown) => {
      const problem =
        error instanceof ProblemError
          ? error
          : new ProblemError(500, 'INTERNAL_ERROR', 'An unexpected error occurred.');
      if (!(error instanceof ProblemError)) deps.logger.error({ err: error, requestId }, 'proxy error');
      sendProblem(res, problem, requestId, path);
      finish(problem.status);
    });
    return true;
  };
}

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
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
import { ClientLink, type Relay, type ResponseSink } from '../domain/relay.ts';
import { type AccessClaims, identityFlat } from '../domain/access-claims.ts';
import { corsHeaders, preflightHeaders, SECURITY_HEADERS } from '../domain/cors.ts';
import { type FlatHeaders, upstreamRequestHeaders } from '../domain/forward-headers.ts';
import type { LoadBalancer } from '../domain/load-balancer.ts';
import type { FastRequest, HolderLookup, ProxyMetrics, RateLimitDecision, RateLimitCounter } from '../domain/ports.ts';
import { canRetry, countsAgainstInstance, errorCode, isInstanceFailure } from '../domain/retry-policy.ts';
import { holderEntityId, type RouteDefinition, type RouteMatch } from '../domain/route-table.ts';
import { authenticate, type GateDeps, resolveRoute } from './request-gate.ts';
import { upstreamFailure } from './upstream-failure.ts';

/** What the proxy needs of a client request, whichever server read it (Node's, or the fast lane). */
export interface ProxiedRequest {
  method: string;
  url: string;
  /** lower-cased names, as Node's `req.headers` */
  headers: IncomingHttpHeaders;
  /** [name, value, …] as received */
  rawHeaders: readonly string[];
  remoteAddress: string;
  /** Reads the body within the limit; absent when the request has none. */
  readBody?: (limit: number) => Promise<Buffer>;
}

export interface ProxyDeps extends GateDeps {
  discovery: DiscoveryClient;
  balancer: LoadBalancer;
  upstream: Relay<ServerResponse>;
  metrics: ProxyMetrics;
  rateLimiter: RateLimitCounter | undefined;
  defaultRateLimit: () => { limit: number; windowMs: number };
  defaultTimeoutMs: () => number;
  holders: HolderLookup | undefined;
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

function sendProblem(res: ResponseSink, error: ProblemError, own: FlatHeaders, requestId: string, path: string) {
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

/** Whether the request carries a body to read (a bodyless method may still declare one). */
function hasBody(req: IncomingMessage): boolean {
  return (
    !BODYLESS.has(req.method ?? 'GET') ||
    req.headers['content-length'] !== undefined ||
    req.headers['transfer-encoding'] !== undefined
  );
}

async function readBody(req: IncomingMessage, limit: number, link: ClientLink): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new ProblemError(413, 'BODY_TOO_LARGE', `Request bodies are limited to ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new ProblemError(413, 'BODY_TOO_LARGE', `Request bodies are limited to ${limit} bytes`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    // The client went away mid-upload: its doing, not the gateway's (499, see serveProxied).
    if (!(error instanceof ProblemError)) link.clientGone();
    throw error;
  }
  // Cut short (a timeout closed the connection): a partial body is never forwarded.
  if (!req.complete) {
    link.clientGone();
    throw new ProblemError(400, 'INCOMPLETE_BODY', 'The request body did not arrive in full');
  }
  return Buffer.concat(chunks);
}

/** The instances of the route's service; a sticky route narrows them to the entity's holder. */
function candidates(
  deps: ProxyDeps,
  route: RouteDefinition,
  url: string,
  attempt: number,
): ServiceInstance[] | Promise<ServiceInstance[]> {
  const all = deps.discovery.instances(route.service);
  return route.holderKey ? holderOnly(deps, route, route.holderKey, url, attempt, all) : all;
}

/** For a sticky route only the holder of the entity (re-read after a failure: a takeover). */
async function holderOnly(
  deps: ProxyDeps,
  route: RouteDefinition,
  holderKey: string,
  url: string,
  attempt: number,
  all: ServiceInstance[],
): Promise<ServiceInstance[]> {
  const id = holderEntityId(route, url);
  if (!id || !deps.holders) throw new ProblemError(404, 'NOT_FOUND', `Nothing at ${url.split('?')[0]}`);
  if (attempt > 0) deps.holders.forget(holderKey, id);
  const holder = await deps.holders.holderOf(holderKey, id);
  if (!holder) throw new ProblemError(404, 'NOT_LIVE', `Nothing is live at ${url.split('?')[0]}`, { route: route.id });
  return all.filter((i) => i.instanceId === holder);
}

/** The route's limit, or none (no limiter configured, or a limit of 0). */
function rateLimitOf(deps: ProxyDeps, route: RouteDefinition) {
  const limit = route.rateLimit ?? deps.defaultRateLimit();
  return deps.rateLimiter && limit.limit > 0 ? { limiter: deps.rateLimiter, ...limit } : undefined;
}

async function enforceRateLimit(
  deps: ProxyDeps,
  route: RouteDefinition,
  client: string,
  { limiter, limit, windowMs }: NonNullable<ReturnType<typeof rateLimitOf>>,
): Promise<void> {
  let decision: RateLimitDecision;
  try {
    decision = await limiter.hit(`${route.id}:${client}`, limit, windowMs);
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

/** One request through the proxy: its route, the request, where the answer goes and how it is fetched. */
export interface Exchange<S extends ResponseSink> {
  match: RouteMatch;
  req: ProxiedRequest;
  res: S;
  upstream: Relay<S>;
  /** A client that goes away (e.g. a player abandoning a blocking playlist request) frees the upstream too. */
  link: ClientLink;
}

async function forward<S extends ResponseSink>(
  deps: ProxyDeps,
  { match, req, res, upstream, link }: Exchange<S>,
  requestId: string,
  ownHeaders: FlatHeaders,
): Promise<number> {
  const { route, upstreamPath } = match;
  const url = req.url ?? '/';
  // Awaited only when something is pending: a known token, no limiter, no body and a plain route
  // leave one await per request (the relay).
  let claims: AccessClaims | undefined;
  try {
    const verdict = authenticate(deps, route, req.headers.authorization, url, false);
    claims = verdict instanceof Promise ? await verdict : verdict;
  } catch (error) {
    deps.metrics.rejected.inc({ route: route.id, reason: 'unauthenticated' });
    throw error;
  }
  const clientIp = req.remoteAddress;
  const limit = rateLimitOf(deps, route);
  if (limit) await enforceRateLimit(deps, route, claims ? `u:${claims.sub}` : `ip:${clientIp}`, limit);
  const body = req.readBody ? await req.readBody(deps.bodyLimit) : undefined;
  const headers = upstreamRequestHeaders(req, {
    clientIp,
    requestId,
    host: req.headers.host ?? '',
    proto: 'http',
    identity: identityFlat(deps.trust, claims, clientIp, req.method, upstreamPath),
  });
  const method = req.method;
  // Made on the first failure only: most requests never retry.
  let tried: Set<string> | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < (deps.maxAttempts ?? 3); attempt++) {
    const found = candidates(deps, route, url, attempt);
    const pool = found instanceof Promise ? await found : found;
    // A sticky route may retry the same holder (a successor may have taken its place).
    const instance = deps.balancer.pick(route.service, pool, route.holderKey ? undefined : tried);
    if (!instance) break;
    if (attempt > 0) deps.metrics.retries.inc({ route: route.id });
    try {
      return await upstream.relay(
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
      tried ??= new Set();
      tried.add(instance.instanceId);
      lastError = error;
      if (isInstanceFailure(error)) deps.balancer.eject(instance.instanceId);
      else if (countsAgainstInstance(error)) deps.balancer.failure(instance.instanceId);
      deps.logger.warn(
        { route: route.id, instance: instance.instanceId, code: errorCode(error), requestId },
        'upstream failed',
      );
      if (!canRetry(method, error)) break;
    }
  }
  throw upstreamFailure(route.id, lastError, tried !== undefined);
}

/** The route a request takes through the proxy, or undefined for what Fastify answers itself. */
export function proxiedRoute(deps: GateDeps, method: string, url: string): RouteMatch | undefined {
  if (OWN_PATHS.test(url)) return undefined;
  try {
    return resolveRoute(deps, method, url);
  } catch {
    return undefined;
  }
}

/**
 * Serves one routed request, whichever server read it: CORS preflight, shutdown refusal, then
 * authenticate, rate-limit, pick an instance, forward and relay, with metrics and the access log.
 * A refused or reset connection ejects that instance at once and, when safe, the request is
 * retried on another; clients see 502/503/504 problems naming the route and nothing internal.
 */
export function serveProxied<S extends ResponseSink>(
  deps: ProxyDeps,
  exchange: Exchange<S>,
  isClosing: () => boolean,
): void {
  const { match, req, res } = exchange;
  const started = performance.now();
  const requestId = requestIdFrom(req);
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
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
    return;
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
    return;
  }
  forward(deps, exchange, requestId, own).then(finish, (error: unknown) => {
    if (exchange.link.gone) {
      // Nginx's 499: the client closed the connection before the answer; nothing to send.
      res.destroy();
      finish(499);
      return;
    }
    const problem =
      error instanceof ProblemError ? error : new ProblemError(500, 'INTERNAL_ERROR', 'An unexpected error occurred.');
    if (!(error instanceof ProblemError)) deps.logger.error({ err: error, requestId }, 'proxy error');
    sendProblem(res, problem, own, requestId, path);
    finish(problem.status);
  });
}

/**
 * The proxy on Node's HTTP server, before Fastify (the hot path carries no framework work per
 * request). Returns false for what Fastify answers: the kit's own routes and paths no route matches.
 */
export function createProxyHandler(deps: ProxyDeps, isClosing: () => boolean) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const match = proxiedRoute(deps, method, url);
    if (!match) return false;
    const link = new ClientLink();
    res.once('close', () => {
      if (!res.writableFinished) link.clientGone();
    });
    const request: ProxiedRequest = {
      method,
      url,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      remoteAddress: req.socket.remoteAddress ?? '',
      ...(hasBody(req) ? { readBody: (limit: number) => readBody(req, limit, link) } : {}),
    };
    serveProxied(deps, { match, req: request, res, upstream: deps.upstream, link }, isClosing);
    return true;
  };
}

/**
 * The proxy on the fast lane: the same service of a request, read and answered on the raw socket
 * and relayed by the raw upstream client. False hands the connection to Node's server (Fastify
 * answers the gateway's own paths and unknown routes).
 */
export function createFastLaneHandler<S extends ResponseSink>(
  deps: ProxyDeps,
  upstream: Relay<S>,
  isClosing: () => boolean,
) {
  return (head: FastRequest, remoteAddress: string, response: S, link: ClientLink): boolean => {
    const match = proxiedRoute(deps, head.method, head.target);
    if (!match) return false;
    const request: ProxiedRequest = {
      method: head.method,
      url: head.target,
      headers: head.headers,
      rawHeaders: head.rawHeaders,
      remoteAddress,
    };
    serveProxied(deps, { match, req: request, res: response, upstream, link }, isClosing);
    return true;
  };
}

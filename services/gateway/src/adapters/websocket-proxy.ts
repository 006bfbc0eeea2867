import { type IncomingMessage, request } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  instanceUrl,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problemBody,
  requestIdFrom,
  type ServiceApp,
  statusTitle,
} from '@phzzk/kit';
import { identityFlat } from '../domain/access-claims.ts';
import { upstreamRequestHeaders } from '../domain/forward-headers.ts';
import type { LoadBalancer } from '../domain/load-balancer.ts';
import {
  canRetry,
  countsAgainstInstance,
  errorCode,
  isInstanceFailure,
  UPGRADE_TIMEOUT,
} from '../domain/retry-policy.ts';
import { bearerSubprotocol, isWebSocketRoute, withoutQueryToken } from '../domain/upgrade-request.ts';
import { authenticate, type GateDeps, resolveRoute } from '../routes/request-gate.ts';
import { upstreamFailure } from '../routes/upstream-failure.ts';
import type { RouteDefinition } from '../domain/route-table.ts';
import type { RateLimitDecision, RateLimitCounter } from '../domain/ports.ts';

function refuse(socket: Duplex, status: number, code: string, detail: string, extra = ''): void {
  const body = JSON.stringify(problemBody(status, code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${statusTitle(status)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

export interface WebSocketProxyDeps extends GateDeps {
  balancer: LoadBalancer;
  rateLimiter: RateLimitCounter | undefined;
  /** Upgrades per client address and minute (0: no limit). */
  upgradesPerMinute: () => number;
  /** How long an instance may take to answer an upgrade, unless its route says otherwise. */
  defaultTimeoutMs: () => number;
  logger: Pick<ServiceApp['log'], 'warn'>;
  /** Instances an upgrade may try (as for HTTP requests). */
  maxAttempts?: number;
}

async function limitUpgrades(deps: WebSocketProxyDeps, clientIp: string): Promise<void> {
  const limit = deps.upgradesPerMinute();
  if (!deps.rateLimiter || limit <= 0) return;
  let decision: RateLimitDecision;
  try {
    decision = await deps.rateLimiter.hit(`ws-upgrade:ip:${clientIp}`, limit, 60_000);
  } catch {
    return; // Redis away: as for HTTP, the limiter fails open
  }
  if (!decision.allowed) {
    throw new ProblemError(429, 'RATE_LIMITED', 'Too many WebSocket connections; retry later', {
      retryAfter: decision.resetMs / 1000,
    });
  }
}

type UpstreamAnswer =
  | { kind: 'upgraded'; res: IncomingMessage; upstream: Socket; upstreamHead: Buffer }
  | { kind: 'refused'; status: number };

/**
 * One upgrade request to one instance: its upgrade, its refusal, or the connection's error (an
 * instance that has not answered within `timeoutMs` is given up: UPGRADE_TIMEOUT).
 */
function upgradeAt(
  url: string,
  headers: string[],
  client: Duplex,
  timeoutMs: number,
): Promise<UpstreamAnswer | undefined> {
  return new Promise((resolve, reject) => {
    const upstreamReq = request(url, { method: 'GET', headers });
    const clientGone = () => upstreamReq.destroy();
    client.once('close', clientGone);
    const timer = setTimeout(() => {
      upstreamReq.destroy(
        Object.assign(new Error('the instance did not answer the upgrade'), { code: UPGRADE_TIMEOUT }),
      );
    }, timeoutMs);
    const settled = () => {
      clearTimeout(timer);
      client.off('close', clientGone);
    };
    upstreamReq.on('upgrade', (res, upstream: Socket, upstreamHead) => {
      settled();
      if (client.destroyed) {
        upstream.destroy();
        resolve(undefined);
      } else resolve({ kind: 'upgraded', res, upstream, upstreamHead });
    });
    upstreamReq.on('response', (res) => {
      settled();
      res.resume();
      resolve({ kind: 'refused', status: res.statusCode ?? 502 });
    });
    upstreamReq.on('error', (error) => {
      settled();
      if (client.destroyed) resolve(undefined);
      else reject(error);
    });
    upstreamReq.end();
  });
}

/**
 * The upgrade request to an instance of the route's service, as HTTP requests are sent: a refused
 * or reset connection (nothing was relayed yet, and an upgrade is a GET) ejects that instance and
 * the upgrade goes to another one, up to `maxAttempts` instances; an instance that does not answer
 * within the route's timeout is given up (504), so that no client waits on it for ever.
 */
async function upgradeUpstream(
  deps: WebSocketProxyDeps,
  route: RouteDefinition,
  path: string,
  headers: string[],
  client: Duplex,
): Promise<UpstreamAnswer | undefined> {
  const tried = new Set<string>();
  let lastError: unknown;
  for (let attempt = 0; attempt < (deps.maxAttempts ?? 3); attempt++) {
    const instance = deps.balancer.pick(route.service, deps.discovery.instances(route.service), tried);
    if (!instance) break;
    try {
      const answer = await upgradeAt(
        `${instanceUrl(instance)}${path}`,
        headers,
        client,
        route.timeoutMs ?? deps.defaultTimeoutMs(),
      );
      // As for HTTP answers: a 5xx counts against the instance's breaker, anything else closes it.
      if (answer?.kind === 'refused' && answer.status >= 500) deps.balancer.failure(instance.instanceId);
      else if (answer) deps.balancer.success(instance.instanceId);
      return answer;
    } catch (error) {
      tried.add(instance.instanceId);
      lastError = error;
      if (isInstanceFailure(error)) deps.balancer.eject(instance.instanceId);
      else if (countsAgainstInstance(error)) deps.balancer.failure(instance.instanceId);
      deps.logger.warn(
        { route: route.id, instance: instance.instanceId, code: errorCode(error) },
        'upstream upgrade failed',
      );
      if (!canRetry('GET', error)) break;
    }
  }
  throw upstreamFailure(route.id, lastError, tried.size > 0);
}

/**
 * Proxies WebSocket upgrades, on `/ws/**` routes only: the same routing and token check as HTTP,
 * a per-address limit on upgrades, then the two sockets are spliced together. The access token
 * comes in `Authorization: Bearer` or, from a browser, as the offered subprotocol
 * `phzzk.bearer.{token}`, which is taken out of `Sec-WebSocket-Protocol` before forwarding (the
 * service selects its own protocol); a bad or expired token is refused with 401 before the
 * upgrade; tokens are never logged nor put in the upstream URL. Upgraded sockets are tracked so
 * that a shutdown can close them after in-flight requests drained.
 */
export function installWebSocketProxy(app: ServiceApp, deps: WebSocketProxyDeps): void {
  const open = new Set<Duplex>();
  app.server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = req.url ?? '/';
    try {
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        throw new ProblemError(400, 'BAD_UPGRADE', 'only WebSocket upgrades are proxied');
      const { route, upstreamPath } = resolveRoute(deps, 'GET', url);
      if (!isWebSocketRoute(route.path)) {
        throw new ProblemError(404, 'ROUTE_NOT_FOUND', 'WebSocket upgrades are accepted on /ws/** only');
      }
      const clientIp = req.socket.remoteAddress ?? '';
      await limitUpgrades(deps, clientIp);
      const offered = bearerSubprotocol(req.headers['sec-websocket-protocol']);
      const authorization = req.headers.authorization ?? (offered.token ? `Bearer ${offered.token}` : undefined);
      const claims = await authenticate(deps, route, authorization, url, false);
      const path = withoutQueryToken(upstreamPath);
      const forwarded = upstreamRequestHeaders(req, {
        clientIp,
        requestId: requestIdFrom(req),
        host: req.headers.host ?? '',
        proto: 'http',
        identity: identityFlat(deps.trust, claims, clientIp, 'GET', path),
      });
      const headers: string[] = [];
      for (let i = 0; i < forwarded.length; i += 2) {
        if (forwarded[i] !== 'sec-websocket-protocol') headers.push(forwarded[i]!, forwarded[i + 1]!);
      }
      if (offered.rest) headers.push('sec-websocket-protocol', offered.rest);
      headers.push('connection', 'Upgrade', 'upgrade', 'websocket');
      const answer = await upgradeUpstream(deps, route, path, headers, socket);
      if (!answer) return; // the client left while the gateway was connecting
      if (answer.kind === 'refused') {
        // The service refused the upgrade: relay its status.
        refuse(socket, answer.status, 'UPGRADE_REFUSED', `the service behind route ${route.id} refused the upgrade`);
        return;
      }
      const { res, upstream, upstreamHead } = answer;
      const lines = [`HTTP/1.1 ${res.statusCode} ${res.statusMessage}`];
      for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstream.write(head);
      open.add(socket);
      // Chat frames are small and latency is the point: no Nagle delay on either leg.
      upstream.setNoDelay(true);
      (socket as Partial<Socket>).setNoDelay?.(true);
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => {
        open.delete(socket);
        upstream.destroy();
      });
      upstream.on('close', () => socket.destroy());
      upstream.pipe(socket).pipe(upstream);
    } catch (error) {
      const p =
        error instanceof ProblemError
          ? error
          : new ProblemError(500, 'INTERNAL_ERROR', 'An unexpected error occurred.');
      const retry = typeof p.extra.retryAfter === 'number' ? `Retry-After: ${Math.ceil(p.extra.retryAfter)}\r\n` : '';
      const challenge = p.status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
      refuse(socket, p.status, p.code, p.message, `${retry}${challenge}`);
    }
  });
  app.addHook('onClose', async () => {
    for (const socket of open) socket.destroy();
  });
}

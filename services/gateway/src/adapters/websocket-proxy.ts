import { type IncomingMessage, request } from 'node:http';
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
import { authenticate, type GateDeps, resolveRoute } from '../routes/request-gate.ts';

function refuse(socket: Duplex, status: number, code: string, detail: string): void {
  const body = JSON.stringify(problemBody(status, code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${statusTitle(status)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Proxies WebSocket upgrades (`/ws/**`): the same routing and token check as HTTP (a browser
 * passes its token as `access_token` in the query), then the two sockets are spliced together.
 * Upgraded sockets are tracked so that a shutdown can close them after in-flight requests drained.
 */
export function installWebSocketProxy(app: ServiceApp, deps: GateDeps & { balancer: LoadBalancer }): void {
  const open = new Set<Duplex>();
  app.server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = req.url ?? '/';
    try {
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        throw new ProblemError(400, 'BAD_UPGRADE', 'only WebSocket upgrades are proxied');
      const { route, upstreamPath } = resolveRoute(deps, 'GET', url);
      const claims = await authenticate(deps, route, req.headers.authorization, url, true);
      const instance = deps.balancer.pick(route.service, deps.discovery.instances(route.service));
      if (!instance) throw new ProblemError(503, 'NO_INSTANCE', `No instance behind route ${route.id}`);
      const clientIp = req.socket.remoteAddress ?? '';
      const headers = upstreamRequestHeaders(req, {
        clientIp,
        requestId: requestIdFrom(req),
        host: req.headers.host ?? '',
        proto: 'http',
        identity: identityFlat(deps.trust, claims, clientIp, 'GET', upstreamPath),
      });
      headers.push('connection', 'Upgrade', 'upgrade', 'websocket');
      const upstreamReq = request(`${instanceUrl(instance)}${upstreamPath}`, { method: 'GET', headers });
      upstreamReq.on('upgrade', (res, upstream, upstreamHead) => {
        const lines = [`HTTP/1.1 ${res.statusCode} ${res.statusMessage}`];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (upstreamHead.length > 0) socket.write(upstreamHead);
        if (head.length > 0) upstream.write(head);
        open.add(socket);
        upstream.on('error', () => socket.destroy());
        socket.on('close', () => {
          open.delete(socket);
          upstream.destroy();
        });
        upstream.on('close', () => socket.destroy());
        upstream.pipe(socket).pipe(upstream);
      });
      upstreamReq.on('response', (res) => {
        // The service refused the upgrade: relay its answer as it is.
        res.resume();
        refuse(
          socket,
          res.statusCode ?? 502,
          'UPGRADE_REFUSED',
          `the service behind route ${route.id} refused the upgrade`,
        );
      });
      upstreamReq.on('error', () => {
        deps.balancer.eject(instance.instanceId);
        refuse(socket, 502, 'UPSTREAM_UNREACHABLE', `The service behind route ${route.id} could not be reached`);
      });
      upstreamReq.end();
    } catch (error) {
      const p =
        error instanceof ProblemError
          ? error
          : new ProblemError(500, 'INTERNAL_ERROR', 'An unexpected error occurred.');
      refuse(socket, p.status, p.code, p.message);
    }
  });
  app.addHook('onClose', async () => {
    for (const socket of open) socket.destroy();
  });
}

import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startService, StaticDiscovery, type ServiceInstance } from '@phzzk/kit';
import { ApiClient } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayService } from '../src/service.ts';

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

async function upstream(
  name: string,
  seen: Seen[],
  delayMs = 0,
): Promise<{ server: Server; instance: ServiceInstance }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      setTimeout(() => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': name, connection: 'keep-alive' });
        res.end(JSON.stringify({ from: name, url: req.url, body }));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    instance: { serviceId: 'echo', instanceId: `echo-${name}`, host: '127.0.0.1', port, status: 'UP', metadata: {} },
  };
}

describe('gateway proxy (real sockets)', () => {
  const seen: Seen[] = [];
  let a: Awaited<ReturnType<typeof upstream>>;
  let b: Awaited<ReturnType<typeof upstream>>;
  let slow: Awaited<ReturnType<typeof upstream>>;
  let discovery: StaticDiscovery;
  let gateway: Awaited<ReturnType<typeof startService>>;
  let api: ApiClient;

  beforeAll(async () => {
    a = await upstream('a', seen);
    b = await upstream('b', seen);
    slow = await upstream('slow', [], 3000);
    discovery = new StaticDiscovery([]);
    discovery.set('echo', [a.instance, b.instance]);
    discovery.set('slow', [{ ...slow.instance, serviceId: 'slow' }]);
    gateway = await startService(gatewayService, {
      env: {
        SERVER_PORT: '0',
        LOG_LEVEL: 'silent',
        GATEWAY_ROUTES: JSON.stringify([
          { id: 'echo', path: '/api/echo/**', service: 'echo' },
          { id: 'stripped', path: '/svc/echo/**', service: 'echo', stripPrefix: 2 },
          { id: 'nobody', path: '/api/nobody/**', service: 'nobody' },
          { id: 'slow', path: '/api/slow/**', service: 'slow', timeoutMs: 300 },
        ]),
      },
      discovery,
    });
    api = new ApiClient(gateway.url);
  });
  afterAll(async () => {
    await gateway?.stop();
    for (const u of [a, b, slow]) u?.server.close();
  });

  it('forwards method, path, query, body and request id, and strips forged identity headers', async () => {
    const res = await api.post<{ from: string; url: string; body: string }>(
      '/api/echo/things?x=1',
      { hello: 'world' },
      { 'x-request-id': 'trace-1', 'x-phzzk-user-id': 'forged-admin' },
    );
    expect(res.status).toBe(201);
    expect(res.body.url).toBe('/api/echo/things?x=1');
    expect(JSON.parse(res.body.body)).toEqual({ hello: 'world' });
    expect(res.headers.get('x-request-id')).toBe('trace-1');
    const last = seen.at(-1)!;
    expect(last.headers['x-request-id']).toBe('trace-1');
    expect(last.headers['x-phzzk-user-id']).toBeUndefined();
    expect(last.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('drops hop-by-hop headers, including those a client lists in Connection', async () => {
    // fetch() will not send a Connection header, so speak HTTP/1.1 directly.
    const status = await new Promise<number>((resolve, reject) => {
      request(
        `${gateway.url}/api/echo/hop`,
        { headers: { connection: 'x-secret', 'x-secret': 'hop', 'keep-alive': 'timeout=5' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(201);
    const last = seen.at(-1)!;
    expect(last.url).toBe('/api/echo/hop');
    expect(last.headers['x-secret']).toBeUndefined();
    expect(last.headers['keep-alive']).toBeUndefined();
  });

  it('refuses bodies over the limit with 413 before anything reaches a service', async () => {
    const before = seen.length;
    const res = await api.post('/api/echo/big', 'x'.repeat(2 * 1024 * 1024), { 'content-type': 'text/plain' });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(seen.length).toBe(before);
  });

  it('balances across instances and strips prefixes', async () => {
    const froms = new Set<string>();
    for (let i = 0; i < 4; i++) froms.add((await api.get<{ from: string }>('/api/echo/x')).body.from);
    expect(froms).toEqual(new Set(['a', 'b']));
    expect((await api.get<{ url: string }>('/svc/echo/api/y')).body.url).toBe('/api/y');
  });

  it('answers 404, 503 and 504 as problems naming the route and nothing internal', async () => {
    const none = await api.get('/nowhere');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const noInstance = await api.get('/api/nobody/x');
    expect(noInstance.status).toBe(503);
    expect(noInstance.body).toMatchObject({ code: 'NO_INSTANCE', route: 'nobody' });
    const timeout = await api.get('/api/slow/x');
    expect(timeout.status).toBe(504);
    expect(timeout.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT', route: 'slow' });
    expect(JSON.stringify(timeout.body)).not.toContain(String(slow.instance.port));
  });

  it('loses no request when an instance dies: it is ejected at once and the request retried', async () => {
    b.server.closeAllConnections();
    await new Promise<void>((r) => b.server.close(() => r()));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await api.get('/api/echo/after-kill')).status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    // A POST to a refused connection was never received, so it is safe to send it elsewhere.
    expect((await api.post('/api/echo/post-after-kill', { n: 1 })).status).toBe(201);
    a.server.closeAllConnections();
    await new Promise<void>((r) => a.server.close(() => r()));
    const dead = await api.get('/api/echo/all-dead');
    expect(dead.status).toBe(502);
    expect(dead.body).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', route: 'echo' });
  });
});

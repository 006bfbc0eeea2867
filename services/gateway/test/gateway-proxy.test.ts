import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startService, StaticDiscovery, type ServiceInstance } from '@phzzk/kit';
import { ApiClient } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayService } from '../src/service.ts';

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

/** A service with large, unsized and never-ending answers; it records requests the client abandoned. */
async function streamingUpstream(abandoned: string[]): Promise<{ server: Server; instance: ServiceInstance }> {
  const big = Buffer.alloc(1024 * 1024, 'x');
  const server = createServer((req, res) => {
    if (req.url === '/api/stream/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
      for (let i = 0; i < big.length; i += 64 * 1024) res.write(big.subarray(i, i + 64 * 1024));
      res.end();
    } else if (req.url === '/api/stream/small') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11, 'x-upstream': 'stream' });
      res.end('{"ok":true}');
    } else if (req.url === '/api/stream/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-frame-options': 'DENY' });
      let n = 0;
      const tick = setInterval(() => {
        res.write(`part ${n}\n`);
        if (++n === 5) {
          clearInterval(tick);
          res.end();
        }
      }, 5);
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('waiting');
      res.on('close', () => abandoned.push(req.url ?? ''));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    instance: { serviceId: 'stream', instanceId: 'stream-1', host: '127.0.0.1', port, status: 'UP', metadata: {} },
  };
}

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
  let streaming: Awaited<ReturnType<typeof upstream>>;
  const abandoned: string[] = [];
  let discovery: StaticDiscovery;
  let gateway: Awaited<ReturnType<typeof startService>>;
  let api: ApiClient;

  beforeAll(async () => {
    a = await upstream('a', seen);
    b = await upstream('b', seen);
    slow = await upstream('slow', [], 3000);
    streaming = await streamingUpstream(abandoned);
    discovery = new StaticDiscovery([]);
    discovery.set('echo', [a.instance, b.instance]);
    discovery.set('slow', [{ ...slow.instance, serviceId: 'slow' }]);
    discovery.set('stream', [streaming.instance]);
    gateway = await startService(gatewayService, {
      env: {
        SERVER_PORT: '0',
        LOG_LEVEL: 'silent',
        GATEWAY_ROUTES: JSON.stringify([
          { id: 'echo', path: '/api/echo/**', service: 'echo' },
          { id: 'stripped', path: '/svc/echo/**', service: 'echo', stripPrefix: 2 },
          { id: 'nobody', path: '/api/nobody/**', service: 'nobody' },
          { id: 'slow', path: '/api/slow/**', service: 'slow', timeoutMs: 300 },
          { id: 'stream', path: '/api/stream/**', service: 'stream' },
        ]),
      },
      discovery,
    });
    api = new ApiClient(gateway.url);
  });
  afterAll(async () => {
    await gateway?.stop();
    for (const u of [a, b, slow, streaming]) {
      u?.server.closeAllConnections();
      u?.server.close();
    }
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

  it("relays small answers framed by length, with the gateway's headers", async () => {
    const res = await fetch(`${gateway.url}/api/stream/small`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('content-length')).toBe('11');
    expect(res.headers.get('transfer-encoding')).toBeNull();
    expect(res.headers.get('x-upstream')).toBe('stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('streams large and unsized answers whole, and the service overrides a default header', async () => {
    const big = await fetch(`${gateway.url}/api/stream/big`);
    expect(big.headers.get('content-length')).toBe(String(1024 * 1024));
    const bytes = Buffer.from(await big.arrayBuffer());
    expect(bytes.length).toBe(1024 * 1024);
    expect(bytes.every((b) => b === 0x78)).toBe(true);

    const chunked = await fetch(`${gateway.url}/api/stream/chunked`);
    expect(chunked.headers.get('x-frame-options')).toBe('DENY');
    expect(await chunked.text()).toBe('part 0\npart 1\npart 2\npart 3\npart 4\n');
  });

  it('frees the service when the client abandons a request', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request(`${gateway.url}/api/stream/forever`, resolve).on('error', reject).end();
    });
    expect(res.statusCode).toBe(200);
    await new Promise<void>((r) => res.once('data', () => r()));
    res.destroy();
    await expect.poll(() => abandoned, { timeout: 3000 }).toContain('/api/stream/forever');
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

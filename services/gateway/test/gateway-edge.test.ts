import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { DEVELOPMENT_SERVICE_KEY, StaticDiscovery, verifySignedHeaders } from '@phzzk/kit';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { listen, localInstance, NO_JWKS_URI, type RunningGateway, startGateway, UNLIMITED } from './support/gateway.ts';

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

const OPERATOR = 'operator-token-for-edge-tests-0123456789';

/** Writes bytes as they are and collects the answer until the gateway closes (or `untilMs`). */
function exchange(port: number, bytes: string, options: { untilMs?: number; keepOpen?: boolean } = {}) {
  return new Promise<{ status: number; text: string; socket: Socket }>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (data += d));
    socket.on('error', () => {});
    const done = () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), text: data, socket });
    socket.on('close', done);
    if (options.untilMs) setTimeout(done, options.untilMs);
    socket.write(bytes);
  });
}

const problemOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe('gateway edge limits (real Redis)', () => {
  const seen: Seen[] = [];
  let upstream: Server;
  let gateway: RunningGateway;
  let port: number;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        // The gateway's active health checks are not what the tests look at.
        if (!req.url?.startsWith('/health'))
          seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    const wss = new WebSocketServer({ server: upstream });
    wss.on('connection', (socket) => socket.send('hello'));
    const upstreamPort = await listen(upstream);
    gateway = await startGateway({
      env: {
        GATEWAY_JWT_JWKS_URI: NO_JWKS_URI,
        GATEWAY_OPERATOR_TOKEN: OPERATOR,
        GATEWAY_TIMEOUTS_HEADERS_MS: '600',
        GATEWAY_TIMEOUTS_BODY_MS: '1200',
        GATEWAY_MAX_CONNECTIONS_PER_IP: '40',
      },
      routes: [
        { id: 'things', path: '/api/things/**', service: 'things', rateLimit: UNLIMITED },
        { id: 'ws', path: '/ws/things/**', service: 'things', rateLimit: UNLIMITED },
      ],
      discovery: new StaticDiscovery([localInstance('things', upstreamPort, 'things-1')]),
    });
    port = (gateway.app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await gateway?.stop();
    upstream?.close();
  });

  it('answers Expect: 100-continue itself, never forwards it, and it costs the instance nothing', async () => {
    for (let i = 0; i < 6; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.setEncoding('latin1');
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.write(
        'POST /api/things/upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 7\r\nConnection: close\r\n\r\n',
      );
      await waitFor(() => data.startsWith('HTTP/1.1 100 Continue'), { what: 'the interim answer' });
      socket.write('{"a":1}');
      await new Promise((r) => socket.once('close', r));
      expect(data).toMatch(/HTTP\/1\.1 200 OK/);
      const last = seen.at(-1)!;
      expect(last.headers.expect).toBeUndefined();
      expect(last.body).toBe('{"a":1}');
    }
  });

  it('passes a signed identity and gateway-set forwarding headers; client values never reach the service', async () => {
    const res = await fetch(`${gateway.url}/api/things/who?x=1`, {
      headers: {
        'x-forwarded-for': '6.6.6.6',
        'x-real-ip': '6.6.6.6',
        forwarded: 'for=6.6.6.6',
        'x-request-id': 'bad id with spaces',
        'x-phzzk-client-ip': '6.6.6.6',
      },
    });
    expect(res.status).toBe(200);
    const { headers, url } = seen.at(-1)!;
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-real-ip']).toBe('127.0.0.1');
    expect(headers.forwarded).toBe('for=127.0.0.1;proto=http');
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(headers['x-request-id']);
    expect(headers['x-phzzk-client-ip']).toBe('127.0.0.1');
    // What a service checks: the signature over the identity, the method and the path.
    expect(verifySignedHeaders([DEVELOPMENT_SERVICE_KEY], headers, 'GET', url)).toEqual({
      ok: true,
      fields: { clientIp: '127.0.0.1' },
    });
    expect(verifySignedHeaders([DEVELOPMENT_SERVICE_KEY], headers, 'GET', '/api/things/other').ok).toBe(false);
    await fetch(`${gateway.url}/api/things/who`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(seen.at(-1)!.headers['x-request-id']).toBe('trace-42.a:b');
  });

  it('refuses paths that decode ambiguously with 400 problem+json, on both lanes', async () => {
    for (const target of ['/api/things/%2e%2e/x', '/api/things/a%2Fb', '/api/things/a%00', '/api/things/a\\b']) {
      for (const method of ['GET', 'POST']) {
        const res = await exchange(
          port,
          `${method} ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        );
        expect(res.status, `${method} ${target}`).toBe(400);
        expect(res.text).toContain('application/problem+json');
        expect(problemOf(res.text)).toMatchObject({ code: 'PATH_REFUSED' });
      }
    }
  });

  it('answers Node-level refusals and a bare-LF request as problem+json', async () => {
    const bareLf = await exchange(port, 'GET /api/things/x HTTP/1.1\nHost: x\n\n');
    expect(bareLf.status).toBe(400);
    expect(problemOf(bareLf.text)).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
    const garbage = await exchange(port, 'BLAH\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.text).toContain('application/problem+json');
    const huge = await exchange(port, `GET /api/things/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(problemOf(huge.text)).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
  });

  it('times out a slow head (408) and a slow body (408), as configured', async () => {
    const started = Date.now();
    const head = await exchange(port, 'GET /api/things/x HTTP/1.1\r\nHost: x\r\n');
    expect(head.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(5000);
    const before = seen.length;
    const body = await exchange(
      port,
      'POST /api/things/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
    );
    expect(body.status).toBe(408);
    expect(problemOf(body.text)).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    expect(seen.slice(before).map((s) => `${s.method} ${s.url} ${s.body}`)).toEqual([]);
  });

  it('logs a client that goes away mid-upload as 499, not 500, and keeps the instance', async () => {
    const aborted = connect(port, '127.0.0.1');
    aborted.on('error', () => {});
    aborted.write('POST /api/things/gone HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"a"');
    const auth = { authorization: `Bearer ${OPERATOR}` };
    await new Promise((r) => setTimeout(r, 100));
    aborted.destroy();
    await waitFor(
      async () => /status_code="499"/.test(await (await fetch(`${gateway.url}/metrics`, { headers: auth })).text()),
      { what: 'the 499 to be counted' },
    );
    const metrics = await (await fetch(`${gateway.url}/metrics`, { headers: auth })).text();
    expect(metrics).not.toMatch(/route="things",status_code="500"/);
    expect((await fetch(`${gateway.url}/api/things/after`)).status).toBe(200);
  });

  it('caps connections per client address (429 problem, then closed)', async () => {
    const held: Socket[] = [];
    for (let i = 0; i < 40; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => {});
      await new Promise((r) => s.once('connect', r));
      held.push(s);
    }
    try {
      const refused = await exchange(port, 'GET /api/things/x HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(refused.status).toBe(429);
      expect(problemOf(refused.text)).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
    } finally {
      for (const s of held) s.destroy();
    }
    await waitFor(async () => (await fetch(`${gateway.url}/api/things/x`).catch(() => undefined))?.status === 200, {
      what: 'connections to be admitted again',
    });
  });

  it('keeps /metrics, /info and the health checks for operators', async () => {
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/info`)).status).toBe(404);
    const open = await fetch(`${gateway.url}/health`);
    expect(Object.keys((await open.json()) as object)).toEqual(['status']);
    const auth = { authorization: `Bearer ${OPERATOR}` };
    expect((await fetch(`${gateway.url}/metrics`, { headers: auth })).status).toBe(200);
    expect(await (await fetch(`${gateway.url}/info`, { headers: auth })).json()).toMatchObject({ service: 'gateway' });
    expect(await (await fetch(`${gateway.url}/health`, { headers: auth })).json()).toHaveProperty('checks');
    expect((await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(404);
  });

  it('accepts WebSocket upgrades on /ws/** routes only', async () => {
    const upgrade = (path: string) =>
      exchange(
        port,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        { untilMs: 1500 },
      );
    const refused = await upgrade('/api/things/socket');
    expect(refused.status).toBe(404);
    const accepted = await upgrade('/ws/things/room');
    expect(accepted.status).toBe(101);
    accepted.socket.destroy();
  });
});

import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { StaticDiscovery, startService } from '@phzzk/kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayService } from '../src/service.ts';

/** Raw answers a service could give, by path: every framing, and some broken ones. */
const ANSWERS: Record<string, string> = {
  '/raw/chunked':
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/plain\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nx-t: 1\r\n\r\n',
  '/raw/close': 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the close',
  '/raw/no-content': 'HTTP/1.1 204 No Content\r\nx-a: 1\r\n\r\n',
  '/raw/early': 'HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  '/raw/overlong': 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA',
  // Small bodies go out copied behind the head, large ones in a second write: both whole.
  '/raw/small': `HTTP/1.1 200 OK\r\ncontent-length: 3000\r\n\r\n${'s'.repeat(3000)}`,
  '/raw/large': `HTTP/1.1 200 OK\r\ncontent-length: 40000\r\n\r\n${'L'.repeat(40_000)}`,
  '/raw/garbage': 'HTTP/1.1 2xx Nope\r\n\r\n',
  '/raw/bad-chunk': 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhelloXX',
  '/raw/bad-later': 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n',
  // The service keeps idle connections one second: the gateway must not keep this one at all.
  '/raw/brief-keep-alive': 'HTTP/1.1 200 OK\r\nkeep-alive: timeout=1\r\ncontent-length: 2\r\n\r\nok',
  '/raw/hop':
    'HTTP/1.1 200 OK\r\nconnection: x-private\r\nx-private: 1\r\nkeep-alive: timeout=9\r\ncontent-length: 2\r\n\r\nok',
};

const BIG = 24 * 1024 * 1024;

/**
 * A service speaking raw HTTP/1.1, so that it can answer in ways Node's server never would.
 * `closedAfter` gets the last path served on each connection when that connection closes.
 */
async function rawService(requests: string[], closedAfter: string[]) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let lastPath = '';
    socket.on('close', () => {
      sockets.delete(socket);
      closedAfter.push(lastPath);
    });
    socket.on('error', () => {}); // the gateway may drop a connection mid-answer
    let buffered = '';
    let served = 0;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const [method, path] = head.split(' ') as [string, string];
        requests.push(`${method} ${path}`);
        lastPath = path;
        // As if the service had closed this kept-alive connection just as the request arrived.
        if (path === '/raw/drop-if-reused' && served > 0) {
          socket.destroy();
          return;
        }
        served++;
        const canned = ANSWERS[path];
        const big = /^\/raw\/big-([a-z])$/.exec(path);
        if (path === '/raw/split-head') {
          // The head in two pieces, apart in time: the gateway reads it in two reads.
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/pl');
          setTimeout(() => socket.write('ain\r\ncontent-length: 5\r\n\r\nsplit'), 30);
        } else if (big) {
          // A body far larger than the socket buffers on either side, all one byte.
          socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${BIG}\r\n\r\n`);
          socket.write(Buffer.alloc(BIG, big[1]!));
        } else if (canned) {
          socket.write(canned);
          if (path === '/raw/bad-later') setTimeout(() => socket.end('ZZ'), 20);
          if (path === '/raw/close' || path === '/raw/bad-chunk' || path === '/raw/overlong') socket.end();
        } else {
          const body = `${method} ${path}`;
          socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n`);
          if (method !== 'HEAD') socket.write(body);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, sockets, port: (server.address() as AddressInfo).port };
}

/** One raw client connection: what it sends, and everything it has received so far. */
async function client(port: number) {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let received = '';
  let closed = false;
  socket.on('data', (d) => (received += d.toString('latin1')));
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  return {
    send: (data: string | Buffer) => socket.write(data),
    received: () => received,
    closed: () => closed,
    answers: () => received.split(/(?=HTTP\/1\.1 \d{3} )/).filter(Boolean),
    close: () => socket.destroy(),
  };
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nhost: gw\r\n${extra}\r\n`;

describe('gateway fast lane (raw sockets)', () => {
  const requests: string[] = [];
  const closedAfter: string[] = [];
  let raw: Awaited<ReturnType<typeof rawService>>;
  let node: Server;
  let gateway: Awaited<ReturnType<typeof startService>>;
  let port: number;

  beforeAll(async () => {
    raw = await rawService(requests, closedAfter);
    node = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => res.end(`${req.method} ${req.url} ${body}`));
    });
    await new Promise<void>((r) => node.listen(0, '127.0.0.1', r));
    const discovery = new StaticDiscovery([]);
    const instance = (serviceId: string, p: number) => ({
      serviceId,
      instanceId: `${serviceId}-1`,
      host: '127.0.0.1',
      port: p,
      status: 'UP' as const,
      metadata: {},
    });
    discovery.set('raw', [instance('raw', raw.port)]);
    discovery.set('node', [instance('node', (node.address() as AddressInfo).port)]);
    gateway = await startService(gatewayService, {
      env: {
        SERVER_PORT: '0',
        LOG_LEVEL: 'silent',
        GATEWAY_RATE_LIMIT_ENABLED: 'false',
        GATEWAY_ROUTES: JSON.stringify([
          { id: 'raw', path: '/raw/**', service: 'raw' },
          { id: 'node', path: '/node/**', service: 'node' },
        ]),
      },
      discovery,
    });
    port = Number(new URL(gateway.url).port);
  });
  afterAll(async () => {
    await gateway?.stop();
    for (const s of raw?.sockets ?? []) s.destroy();
    raw?.server.close();
    node?.closeAllConnections();
    node?.close();
  });

  it('answers pipelined GET and HEAD requests in order, a HEAD without a body', async () => {
    const c = await client(port);
    c.send(get('/raw/one') + get('/raw/two', 'x-request-id: r-2\r\n') + get('/raw/three').replace('GET', 'HEAD'));
    await expect.poll(() => c.answers().length).toBe(3);
    const [one, two, three] = c.answers();
    expect(one).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(one).toMatch(/\r\n\r\nGET \/raw\/one$/);
    expect(two).toContain('x-request-id: r-2\r\n');
    expect(two).toContain('x-content-type-options: nosniff\r\n');
    expect(two).toMatch(/\r\n\r\nGET \/raw\/two$/);
    expect(three).toContain('content-length: 15\r\n');
    expect(three).toMatch(/\r\n\r\n$/);
    expect(c.closed()).toBe(false);
    c.close();
  });

  it('hands a connection to the full server at the first request it does not serve, unread bytes included', async () => {
    const c = await client(port);
    c.send(
      get('/node/fast') +
        'POST /node/body HTTP/1.1\r\nhost: gw\r\ncontent-length: 5\r\n\r\nhello' +
        get('/node/after') +
        get('/health/liveness'),
    );
    await expect.poll(() => c.answers().length).toBe(4);
    const [fast, body, after, health] = c.answers();
    expect(fast).toMatch(/GET \/node\/fast $/);
    expect(body).toMatch(/POST \/node\/body hello$/);
    expect(after).toMatch(/GET \/node\/after $/);
    expect(health).toMatch(/^HTTP\/1\.1 200 OK/);
    c.close();
  });

  it('relays every framing a service may use', async () => {
    const c = await client(port);
    c.send(get('/raw/chunked') + get('/raw/no-content') + get('/raw/early') + get('/raw/hop'));
    await expect.poll(() => c.answers().length).toBe(4);
    const [chunked, noContent, early, hop] = c.answers();
    c.send(get('/raw/split-head'));
    await expect.poll(() => c.answers().length).toBe(5);
    expect(c.answers()[4]).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*content-type: text\/plain\r\n[\s\S]*\r\n\r\nsplit$/);
    expect(chunked).toContain('transfer-encoding: chunked\r\n');
    expect(chunked).toMatch(/\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nx-t: 1\r\n\r\n$/);
    expect(noContent).toMatch(/^HTTP\/1\.1 204 No Content\r\n[\s\S]*x-a: 1\r\n\r\n$/);
    // The interim 103 is not passed on; the final answer is.
    expect(early).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
    expect(hop).not.toMatch(/x-private|keep-alive|connection:/i);
    c.close();

    // A body that ends with the connection: the client gets all of it, then the close.
    const d = await client(port);
    d.send(get('/raw/close'));
    await expect.poll(() => d.closed()).toBe(true);
    expect(d.received()).toContain('connection: close\r\n');
    expect(d.received()).toMatch(/\r\n\r\nuntil the close$/);

    // More bytes than announced: exactly the announced ones reach the client.
    const e = await client(port);
    e.send(get('/raw/overlong') + get('/raw/after-overlong'));
    await expect.poll(() => e.answers().length).toBe(2);
    expect(e.answers()[0]).toMatch(/\r\n\r\nok$/);
    expect(e.answers()[1]).toMatch(/GET \/raw\/after-overlong$/);
    e.close();

    // Bodies below and above what is copied behind the head, pipelined: each whole, in order.
    const f = await client(port);
    f.send(get('/raw/large') + get('/raw/small') + get('/raw/after-large'));
    await expect.poll(() => f.answers().length).toBe(3);
    const [large, small, after] = f.answers();
    for (const [answer, length, byte] of [
      [large, 40_000, 'L'],
      [small, 3000, 's'],
    ] as const) {
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(answer).toContain(`content-length: ${length}\r\n`);
      expect(answer!.endsWith(`\r\n\r\n${byte.repeat(length)}`)).toBe(true);
    }
    expect(after).toMatch(/GET \/raw\/after-large$/);
    f.close();
  });

  it('relays large bodies to slow clients intact, while other answers are read meanwhile', async () => {
    // The relay reads every service connection into one shared buffer: a write the client is not
    // ready for must keep a copy, or the next read (here, the other body) overwrites what it holds.
    const slow = await Promise.all(
      ['a', 'b'].map(async (letter) => {
        const socket = connect({ port, host: '127.0.0.1' });
        await new Promise<void>((r) => socket.once('connect', () => r()));
        socket.pause();
        socket.write(get(`/raw/big-${letter}`));
        return { letter, socket };
      }),
    );
    // Both services stall on the gateway (backpressure from the paused clients) before any client reads.
    await expect.poll(() => [...raw.sockets].filter((s) => s.writableLength > 0).length, { timeout: 10_000 }).toBe(2);
    const bodies = await Promise.all(
      slow.map(
        ({ socket }) =>
          new Promise<Buffer>((resolve, reject) => {
            const chunks: Buffer[] = [];
            let size = 0;
            socket.on('data', (chunk: Buffer) => {
              chunks.push(chunk);
              size += chunk.length;
              if (size < BIG) return;
              const all = Buffer.concat(chunks);
              const end = all.indexOf('\r\n\r\n');
              if (end !== -1 && size >= end + 4 + BIG) resolve(all.subarray(end + 4));
            });
            socket.on('error', reject);
            socket.resume();
          }),
      ),
    );
    for (const [i, { letter, socket }] of slow.entries()) {
      const body = bodies[i]!;
      expect(body.length).toBe(BIG);
      expect(body.equals(Buffer.alloc(BIG, letter)), `/raw/big-${letter} holds only "${letter}"`).toBe(true);
      socket.destroy();
    }
  });

  it('answers a broken service with 502 before anything was sent, and resets the client after', async () => {
    // Broken before any byte could be relayed: a problem the client can act on.
    for (const path of ['/raw/garbage', '/raw/bad-chunk']) {
      const c = await client(port);
      c.send(get(path));
      await expect.poll(() => c.answers().length).toBe(1);
      expect(c.answers()[0]).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
      expect(c.answers()[0]).toContain('application/problem+json');
      expect(c.answers()[0]).toContain('"route":"raw"');
      c.close();
    }
    // Broken after the answer began: the client's connection is reset, never handed a complete body.
    const d = await client(port);
    d.send(get('/raw/bad-later'));
    await expect.poll(() => d.closed()).toBe(true);
    expect(d.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n5\r\nhello\r\n$/);
  });

  it('resends on a fresh connection when the service dropped the kept-alive one', async () => {
    const c = await client(port);
    c.send(get('/raw/warm'));
    await expect.poll(() => c.answers().length).toBe(1);
    const before = requests.length;
    c.send(get('/raw/drop-if-reused'));
    await expect.poll(() => c.answers().length).toBe(2);
    expect(c.answers()[1]).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*GET \/raw\/drop-if-reused$/);
    // Sent twice: dropped on the reused connection, answered on a new one.
    expect(requests.slice(before)).toEqual(['GET /raw/drop-if-reused', 'GET /raw/drop-if-reused']);
    c.close();
  });

  it('closes a connection to a service at once when the service keeps idle connections a second or less', async () => {
    const c = await client(port);
    c.send(get('/raw/brief-keep-alive'));
    await expect.poll(() => c.answers().length).toBe(1);
    expect(c.answers()[0]).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nok$/);
    // Not kept idle: the gateway closes it right after the answer (an idle one would wait seconds).
    await expect.poll(() => closedAfter.includes('/raw/brief-keep-alive'), { timeout: 2000 }).toBe(true);
    expect(c.closed()).toBe(false);
    c.close();
  });

  it('leaves malformed and oversized requests to the full server, which refuses them', async () => {
    const bad = await client(port);
    bad.send('GET /raw/x HTTP/1.1\r\nhost: gw\r\nbad header line\r\n\r\n');
    await expect.poll(() => bad.received()).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    const huge = await client(port);
    huge.send(`GET /raw/x HTTP/1.1\r\nhost: gw\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await expect.poll(() => huge.received()).toMatch(/^HTTP\/1\.1 431 /);
    const lines = await client(port);
    lines.send('GET /raw/x HTTP/1.1\r\nhost: gw\r\nx: a\nb\r\n\r\n');
    await expect.poll(() => lines.received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(requests.filter((r) => r === 'GET /raw/x')).toEqual([]);
    bad.close();
    huge.close();
    lines.close();
  });

  it('survives arbitrary bytes from clients, and clients leaving mid-request, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.boolean(), async (bytes, asRequest) => {
        const c = await client(port);
        c.send(
          Buffer.concat([Buffer.from(asRequest ? 'GET /raw/fuzz HTTP/1.1\r\nhost: gw\r\n' : ''), Buffer.from(bytes)]),
        );
        c.send('\r\n\r\n');
        c.close();
      }),
      { numRuns: 60 },
    );
    const after = await client(port);
    after.send(get('/raw/still-there'));
    await expect.poll(() => after.answers().length).toBe(1);
    expect(after.answers()[0]).toMatch(/GET \/raw\/still-there$/);
    after.close();
  });
});

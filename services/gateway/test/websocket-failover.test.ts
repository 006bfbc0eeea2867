import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer, type Server as TcpServer } from 'node:net';
import { type ServiceInstance, StaticDiscovery, startService } from '@phzzk/kit';
import { testInfra } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { gatewayService } from '../src/service.ts';

const instance = (instanceId: string, port: number, serviceId = 'things'): ServiceInstance => ({
  serviceId,
  instanceId,
  host: '127.0.0.1',
  port,
  status: 'UP',
  metadata: {},
});

/** Opens a WebSocket through the gateway: its first message, or the status of the refusal. */
function open(url: string): Promise<{ message?: string; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.once('message', (data) => {
      resolve({ message: String(data) });
      socket.close();
    });
    socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    socket.once('error', () => resolve({ status: 0 }));
  });
}

describe('WebSocket upgrades when an instance resets or refuses connections (real Redis)', () => {
  let healthy: Server;
  let resetting: TcpServer;
  let silent: TcpServer;
  let refusingPort: number;
  let gateway: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    healthy = createHttpServer((_req, res) => res.end('{}'));
    new WebSocketServer({ server: healthy }).on('connection', (socket) => socket.send('hello'));
    await new Promise<void>((r) => healthy.listen(0, '127.0.0.1', r));
    // What an overflowing accept queue does to a connection: reset it.
    resetting = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((r) => resetting.listen(0, '127.0.0.1', r));
    // Accepts and never answers.
    silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    refusingPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    gateway = await startService(gatewayService, {
      env: {
        SERVER_PORT: '0',
        LOG_LEVEL: 'silent',
        REDIS_URL: (await testInfra()).redisUrl,
        GATEWAY_JWT_JWKS_URI: 'http://127.0.0.1:9/jwks.json',
        GATEWAY_ROUTES: JSON.stringify([
          { id: 'ws', path: '/ws/things/**', service: 'things', rateLimit: { limit: 0, windowMs: 1 } },
          { id: 'dead', path: '/ws/dead/**', service: 'dead', rateLimit: { limit: 0, windowMs: 1 } },
          {
            id: 'silent',
            path: '/ws/silent/**',
            service: 'silent',
            timeoutMs: 300,
            rateLimit: { limit: 0, windowMs: 1 },
          },
        ]),
      },
      discovery: new StaticDiscovery([
        instance('resetting', (resetting.address() as AddressInfo).port),
        instance('refusing', refusingPort),
        instance('healthy', (healthy.address() as AddressInfo).port),
        instance('dead-resetting', (resetting.address() as AddressInfo).port, 'dead'),
        instance('dead-refusing', refusingPort, 'dead'),
        instance('silent', (silent.address() as AddressInfo).port, 'silent'),
      ]),
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    healthy?.close();
    resetting?.close();
    silent?.close();
  });

  it('takes every upgrade to the instance that answers, whichever one round-robin picks first', async () => {
    const url = `${gateway.url.replace('http', 'ws')}/ws/things/room`;
    // Three upgrades start at each of the three instances in turn (round-robin).
    for (let i = 0; i < 3; i++) expect(await open(url)).toEqual({ message: 'hello' });
    // The failing instances are ejected: later upgrades go straight to the healthy one.
    const later = await Promise.all(Array.from({ length: 10 }, () => open(url)));
    expect(later).toEqual(Array.from({ length: 10 }, () => ({ message: 'hello' })));
  });

  it('answers 502 when no instance of the service can be reached', async () => {
    expect(await open(`${gateway.url.replace('http', 'ws')}/ws/dead/room`)).toEqual({ status: 502 });
  });

  it("answers 504 when the instance does not answer the upgrade within the route's timeout", async () => {
    const started = performance.now();
    expect(await open(`${gateway.url.replace('http', 'ws')}/ws/silent/room`)).toEqual({ status: 504 });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

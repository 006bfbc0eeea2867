import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Server as TcpServer } from 'node:net';
import { StaticDiscovery } from '@phzzk/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { listen, localInstance, NO_JWKS_URI, type RunningGateway, startGateway, UNLIMITED } from './support/gateway.ts';

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
  let gateway: RunningGateway;

  beforeAll(async () => {
    healthy = createHttpServer((_req, res) => res.end('{}'));
    new WebSocketServer({ server: healthy }).on('connection', (socket) => socket.send('hello'));
    const healthyPort = await listen(healthy);
    // What an overflowing accept queue does to a connection: reset it.
    resetting = createServer((socket) => socket.resetAndDestroy());
    const resettingPort = await listen(resetting);
    // Accepts and never answers.
    silent = createServer(() => {});
    const silentPort = await listen(silent);
    const closed = createServer();
    refusingPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    gateway = await startGateway({
      env: { GATEWAY_JWT_JWKS_URI: NO_JWKS_URI },
      routes: [
        { id: 'ws', path: '/ws/things/**', service: 'things', rateLimit: UNLIMITED },
        { id: 'dead', path: '/ws/dead/**', service: 'dead', rateLimit: UNLIMITED },
        { id: 'silent', path: '/ws/silent/**', service: 'silent', timeoutMs: 300, rateLimit: UNLIMITED },
      ],
      discovery: new StaticDiscovery([
        localInstance('things', resettingPort, 'resetting'),
        localInstance('things', refusingPort, 'refusing'),
        localInstance('things', healthyPort, 'healthy'),
        localInstance('dead', resettingPort, 'dead-resetting'),
        localInstance('dead', refusingPort, 'dead-refusing'),
        localInstance('silent', silentPort, 'silent'),
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

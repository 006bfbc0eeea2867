import { connect, type Socket } from 'node:net';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestFixture, ingestFixture } from './support/ingest-harness.ts';

// RTMP ingest bounds what one address can hold: a per-IP connection cap, and connections that
// never complete the handshake or never publish are closed after configurable timeouts.

const sockets: Socket[] = [];
/** A raw TCP connection to the RTMP port; `closed` resolves when the server hangs up. */
async function open(port: number, bytes?: Buffer) {
  const socket = connect({ port, host: '127.0.0.1' });
  sockets.push(socket);
  socket.on('error', () => {});
  socket.resume();
  let closedAt = 0;
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      closedAt = Date.now();
      resolve(closedAt);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  if (bytes) socket.write(bytes);
  return { socket, closed, isClosed: () => closedAt > 0 };
}

describe('ingest: RTMP connection limits', () => {
  let f: IngestFixture;
  beforeAll(async () => {
    f = await ingestFixture({
      INGEST_RTMP_MAX_CONNECTIONS_PER_IP: '2',
      INGEST_RTMP_HANDSHAKE_TIMEOUT_MS: '400',
      INGEST_RTMP_SETUP_TIMEOUT_MS: '1500',
    });
  });
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await f?.close();
  });

  it('closes a connection that never completes its handshake, after the configured timeout', async () => {
    const started = Date.now();
    const silent = await open(f.node.rtmpPort);
    // Half a C0C1: the handshake never completes.
    const partial = await open(f.node.rtmpPort, Buffer.concat([Buffer.from([3]), Buffer.alloc(700)]));
    const [a, b] = await Promise.all([silent.closed, partial.closed]);
    expect(Math.max(a, b) - started).toBeGreaterThanOrEqual(300);
    expect(Math.max(a, b) - started).toBeLessThan(3000);
  });

  it('refuses a third connection from one address, and accepts again once one closes', async () => {
    const a = await open(f.node.rtmpPort);
    const b = await open(f.node.rtmpPort);
    const c = await open(f.node.rtmpPort);
    const refusedAt = await c.closed;
    // Refused at accept, long before the handshake timeout would have closed it.
    expect(a.isClosed() || b.isClosed()).toBe(false);
    expect(refusedAt).toBeGreaterThan(0);
    a.socket.destroy();
    await a.closed;
    await waitFor(
      async () => {
        const d = await open(f.node.rtmpPort);
        const early = await Promise.race([d.closed, new Promise<number>((r) => setTimeout(() => r(0), 150))]);
        d.socket.destroy();
        return early === 0;
      },
      { what: 'a new connection to be accepted', timeoutMs: 3000, intervalMs: 50 },
    );
    b.socket.destroy();
  });
});

// Hostile and broken peers on real sockets: every one is closed in bounded time and memory, and
// the server keeps serving well-behaved publishers.
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAmf0 } from '../flv/amf0.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { createClientC0C1 } from './handshake.ts';
import { MessageType } from './messages.ts';
import { type Harness, startHarness } from './test-support/harness.ts';
import { TestRtmpClient } from './test-support/rtmp-client.ts';
import { until, withDeadline } from './test-support/wait.ts';

// Every peer here comes from 127.0.0.1: the per-address cap is tested on its own.
const LIMITS = {
  handshakeTimeoutMs: 400,
  setupTimeoutMs: 1_000,
  mediaTimeoutMs: 500,
  closeGraceMs: 300,
  maxConnectionsPerIp: 10_000,
};
const keyframe = (n: number) => Buffer.from([0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, n]);

let harness: Harness | undefined;
const clients: TestRtmpClient[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
  await harness?.close();
  harness = undefined;
});

async function open(options?: Parameters<typeof TestRtmpClient.open>[1]): Promise<TestRtmpClient> {
  const client = await TestRtmpClient.open(harness!.port, options);
  clients.push(client);
  return client;
}

/** A raw socket; resolves `closed` when the server hangs up. */
async function raw(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = netConnect({ port, host: '127.0.0.1' });
  sockets.push(socket);
  socket.on('error', () => {});
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, closed };
}

/** A well-behaved publisher still works: proves the server survived whatever came before. */
async function assertServerHealthy(): Promise<void> {
  const client = await open();
  const { streamId, code } = await client.startPublish('live', `healthy-${Math.random()}`);
  expect(code).toBe('NetStream.Publish.Start');
  const rec = harness!.recordings.at(-1)!;
  client.sendTag(streamId, { type: 'video', timestamp: 0, data: keyframe(1) });
  await until(() => rec.tags.length === 1, 5_000, 'healthy publisher tag');
  client.close();
}

/** A connected + published client's chunk stream, for the peers that turn bad after setup. */
async function published(name: string): Promise<{ client: TestRtmpClient; streamId: number }> {
  const client = await open();
  const { streamId, code } = await client.startPublish('live', name);
  expect(code).toBe('NetStream.Publish.Start');
  return { client, streamId };
}

describe('hostile input on real sockets', () => {
  it('closes connections that send random bytes, then serves a valid publisher (fuzz)', async () => {
    harness = await startHarness({ limits: LIMITS });
    const h = harness;
    // Generated inputs run concurrently: each connection must be closed, by a protocol error at
    // once or by the handshake/setup timeout when the bytes form a valid but incomplete prefix.
    const cases = fc.sample(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 5000 }), fc.boolean()), { numRuns: 80 });
    await Promise.all(
      cases.map(async ([bytes, afterHandshake]) => {
        const what = `${afterHandshake ? 'after handshake' : 'raw'}: ${Buffer.from(bytes.subarray(0, 32)).toString('hex')}`;
        if (afterHandshake) {
          const client = await open();
          client.sendRaw(bytes);
          await withDeadline(client.closed, 3_000, what);
        } else {
          const { socket, closed } = await raw(h.port);
          socket.write(bytes);
          await withDeadline(closed, 3_000, what);
        }
      }),
    );
    await until(() => h.server.connectionCount === 0, 5_000, 'all closed');
    await assertServerHealthy();
  });

  it('closes peers that truncate a valid publish anywhere, ending any session as disconnect', async () => {
    harness = await startHarness({ limits: LIMITS });
    const writer = new ChunkWriter();
    const stream = Buffer.concat([
      writer.write({
        csid: 3,
        typeId: 20,
        streamId: 0,
        timestamp: 0,
        payload: encodeAmf0('connect', 1, { app: 'live', tcUrl: 'rtmp://x/live' }),
      }),
      writer.write({ csid: 3, typeId: 20, streamId: 0, timestamp: 0, payload: encodeAmf0('createStream', 2, null) }),
      writer.write({
        csid: 8,
        typeId: 20,
        streamId: 1,
        timestamp: 0,
        payload: encodeAmf0('publish', 0, null, 'trunc', 'live'),
      }),
      writer.write({
        csid: 6,
        typeId: 9,
        streamId: 1,
        timestamp: 0,
        payload: Buffer.concat([keyframe(1), randomBytes(3000)]),
      }),
      writer.write({
        csid: 6,
        typeId: 9,
        streamId: 1,
        timestamp: 33,
        payload: Buffer.concat([keyframe(2), randomBytes(500)]),
      }),
    ]);
    for (const cut of [1, 12, 40, 120, 200, 400, 1500, stream.length - 100, stream.length - 1]) {
      const client = await open();
      client.socket.end(stream.subarray(0, cut)); // the bytes, then FIN
      await client.waitClosed(3_000);
    }
    await until(() => harness!.server.connectionCount === 0, 5_000, 'all truncated peers gone');
    for (const rec of harness.recordings)
      expect(await withDeadline(rec.ended, 1_000, 'end')).toEqual({ reason: 'disconnect' });
    await assertServerHealthy();
  });

  it.each([
    ['2^31', 2 ** 31],
    ['0', 0],
  ])('closes a peer announcing chunk size %s at once', async (_, size) => {
    harness = await startHarness({ limits: { ...LIMITS, setupTimeoutMs: 30_000 } });
    const { client } = await published('chunky');
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(size);
    client.send({ csid: 2, typeId: MessageType.SetChunkSize, streamId: 0, timestamp: 0, payload });
    await client.waitClosed(2_000);
    expect(await harness.recordings[0]!.ended).toMatchObject({ reason: 'error' });
    expect(harness.logs.some((l) => l.fields.code === 'chunk-size')).toBe(true);
  });

  it('closes a peer announcing a 16 MiB message, before any of it arrives', async () => {
    harness = await startHarness({ limits: { ...LIMITS, setupTimeoutMs: 30_000, mediaTimeoutMs: 30_000 } });
    const { client } = await published('huge');
    client.sendRaw(Buffer.from('06000000ffffff0901000000', 'hex'));
    await client.waitClosed(2_000);
    expect(harness.logs.some((l) => l.fields.code === 'message-too-large')).toBe(true);
    await assertServerHealthy();
  });

  it('bounds memory held for partial messages across chunk streams', async () => {
    harness = await startHarness({
      limits: { ...LIMITS, mediaTimeoutMs: 30_000, maxMessageLength: 1 << 20, maxPendingBytes: 2 << 20 },
    });
    const { client } = await published('partial');
    client.setChunkSize(64 * 1024);
    // Chunk streams each start a 1 MiB message and send 15 of its 16 chunks, never the last.
    for (let csid = 10; csid < 20 && !client.isClosed; csid++) {
      const chunks = client.writer.chunks({
        csid,
        typeId: 9,
        streamId: 1,
        timestamp: 0,
        payload: Buffer.alloc(1 << 20),
      });
      for (const chunk of chunks.slice(0, 15)) client.sendRaw(chunk);
    }
    await client.waitClosed(3_000);
    expect(harness.logs.some((l) => l.fields.code === 'pending-limit')).toBe(true);
    expect(harness.recordings[0]!.session.endReason).toBe('error');
  });

  it('a bad peer never disturbs a live publisher', async () => {
    harness = await startHarness({ limits: { ...LIMITS, setupTimeoutMs: 30_000, mediaTimeoutMs: 30_000 } });
    const { client, streamId } = await published('steady');
    const rec = harness.recordings[0]!;
    for (let i = 0; i < 20; i++) {
      client.sendTag(streamId, { type: 'video', timestamp: i * 33, data: keyframe(i) });
      const { socket, closed } = await raw(harness.port);
      socket.write(Buffer.concat([Buffer.of(3), randomBytes(2000 + i * 100)]));
      socket.write(randomBytes(i * 50));
      socket.end();
      await withDeadline(closed, 3_000, 'bad peer closed');
    }
    await until(() => rec.tags.length === 20, 5_000, 'all steady tags');
    expect(rec.session.ended).toBe(false);
  });
});

describe('timeouts', () => {
  it('ends a stalled publisher with timeout within the configured limit', async () => {
    harness = await startHarness({ limits: LIMITS });
    const { client, streamId } = await published('stall');
    const rec = harness.recordings[0]!;
    client.sendTag(streamId, { type: 'video', timestamp: 0, data: keyframe(1) });
    const started = Date.now();
    // Control traffic (pings) does not count as media.
    client.send({
      csid: 2,
      typeId: MessageType.UserControl,
      streamId: 0,
      timestamp: 0,
      payload: Buffer.from('000600000001', 'hex'),
    });
    expect(await withDeadline(rec.ended, 3_000, 'stall timeout')).toMatchObject({ reason: 'timeout' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(LIMITS.mediaTimeoutMs - 50);
    expect(elapsed).toBeLessThan(LIMITS.mediaTimeoutMs + 1_500);
    await client.waitClosed(2_000);
  });

  it('closes a peer that never completes the handshake', async () => {
    harness = await startHarness({ limits: LIMITS });
    const silent = await raw(harness.port);
    const partial = await raw(harness.port);
    partial.socket.write(createClientC0C1({ complex: true }).c0c1.subarray(0, 700));
    const started = Date.now();
    await withDeadline(Promise.all([silent.closed, partial.closed]), 3_000, 'handshake timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.handshakeTimeoutMs - 100);
  });

  it('closes a connection that never publishes', async () => {
    harness = await startHarness({ limits: LIMITS });
    const client = await open();
    await client.connectApp('live');
    await client.waitClosed(3_000);
    expect(harness.recordings).toEqual([]);
  });

  it('refuses connections beyond maxConnectionsPerIp, and accepts again once one closes', async () => {
    harness = await startHarness({ limits: { ...LIMITS, maxConnectionsPerIp: 2, handshakeTimeoutMs: 5_000 } });
    const a = await raw(harness.port);
    const b = await raw(harness.port);
    await until(() => harness!.server.connectionCount === 2, 2_000, 'two accepted');
    const c = await raw(harness.port);
    await withDeadline(c.closed, 2_000, 'third from the same address refused');
    expect(harness.server.connectionCount).toBe(2);
    a.socket.destroy();
    await until(() => harness!.server.connectionCount === 1, 2_000, 'one left');
    const d = await raw(harness.port);
    await until(() => harness!.server.connectionCount === 2, 2_000, 'a new one accepted');
    b.socket.destroy();
    d.socket.destroy();
  });

  it('refuses connections beyond maxConnections', async () => {
    harness = await startHarness({ limits: { ...LIMITS, maxConnections: 2 } });
    const a = await raw(harness.port);
    const b = await raw(harness.port);
    await until(() => harness!.server.connectionCount === 2, 2_000, 'two accepted');
    const c = await raw(harness.port);
    await withDeadline(c.closed, 2_000, 'third refused');
    expect(harness.server.connectionCount).toBe(2);
    a.socket.destroy();
    b.socket.destroy();
  });
});

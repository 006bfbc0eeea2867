import { connect } from 'node:net';
import { CHAT_SUBPROTOCOL } from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from './support/chat-client.ts';
import { type ChatCluster, startChatCluster } from './support/chat-cluster.ts';

// "Bad input and faults" of the chat issue, each against a real instance.
describe('chat refuses bad input cleanly (one real instance)', () => {
  let c: ChatCluster;
  let url: string;
  beforeAll(async () => {
    c = await startChatCluster({
      nodes: 1,
      env: {
        CHAT_CONNECTIONS_PER_IP: '20',
        CHAT_CONNECTIONS_PER_USER: '3',
        // Pings every 2 s here (25 s by default: a dead connection goes within 50 s).
        CHAT_SOCKET_PING_INTERVAL_SECONDS: '2',
      },
    });
    url = c.nodes[0]!.url;
  }, 300_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('an unknown channel, a malformed id or since, a missing subprotocol: refused before the upgrade', async () => {
    expect(await ChatClient.refusal(url, `/ws/chat/${uuidv7()}`)).toMatchObject({
      status: 404,
      body: { code: 'CHANNEL_NOT_FOUND' },
    });
    expect(await ChatClient.refusal(url, '/ws/chat/not-a-uuid')).toMatchObject({ status: 404 });
    const { channelId } = c.newChannel();
    expect(await ChatClient.refusal(url, `/ws/chat/${channelId}?since=-1`)).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect(await ChatClient.refusal(url, `/ws/chat/${channelId}`, { protocols: ['other'] })).toMatchObject({
      status: 400,
      body: { code: 'SUBPROTOCOL_REQUIRED' },
    });
    // A bearer subprotocol that reached chat was not verified by the gateway: never selected, never
    // trusted; chat.v1 is selected and the connection is anonymous.
    expect(
      await ChatClient.refusal(url, `/ws/chat/${channelId}`, { protocols: ['phzzk.bearer.not-a-token'] }),
    ).toMatchObject({ status: 400, body: { code: 'SUBPROTOCOL_REQUIRED' } });
    // Identity headers that do not verify (forged, or signed too long ago) are refused, not a crash.
    expect(
      await ChatClient.refusal(url, `/ws/chat/${channelId}`, { headers: { 'x-phzzk-user-id': uuidv7() } }),
    ).toMatchObject({ status: 401, body: { code: 'IDENTITY_UNVERIFIED' } });
    const both = await ChatClient.connect(url, channelId, { protocols: [CHAT_SUBPROTOCOL, 'phzzk.bearer.x'] });
    expect(both.ws.protocol).toBe(CHAT_SUBPROTOCOL);
    expect(both.welcome.user).toBeNull();
    both.close();
  });

  it('an unauthenticated send gets UNAUTHENTICATED and nothing is appended', async () => {
    const { channelId } = c.newChannel();
    const client = await ChatClient.connect(url, channelId);
    expect(await client.send('hi')).toMatchObject({ type: 'error', nonce: 'n1', code: 'UNAUTHENTICATED' });
    const ping = client.frames.length;
    client.raw(JSON.stringify({ type: 'ping' }));
    await client.next((f) => f.type === 'pong');
    expect(client.frames.length).toBe(ping + 1);
    const other = await ChatClient.connect(url, channelId);
    expect(other.welcome.seq).toBe(0);
    client.close();
    other.close();
  });

  it('empty, too long and control-laden texts: EMPTY_MESSAGE, MESSAGE_TOO_LONG, cleaned', async () => {
    const { channelId } = c.newChannel();
    const client = await ChatClient.connect(url, channelId, { headers: c.newUser().headers });
    expect(await client.send('   \u0000\u0007  ')).toMatchObject({ code: 'EMPTY_MESSAGE' });
    expect(await client.send('가'.repeat(501))).toMatchObject({ code: 'MESSAGE_TOO_LONG' });
    expect(await client.send('😀'.repeat(500))).toMatchObject({ type: 'ack' });
    const ack = await client.send('  hi\u0000 there\u202e\n ');
    const message = await client.next((f) => f.type === 'message' && f.seq === ack.seq);
    expect(message.text).toBe('hi there');
    client.close();
  });

  it('malformed frames get MALFORMED_FRAME; binary and over-4 KB frames too; repeated abuse closes 1008', async () => {
    const { channelId } = c.newChannel();
    const client = await ChatClient.connect(url, channelId, { headers: c.newUser().headers });
    const errors = () => client.frames.filter((f) => f.code === 'MALFORMED_FRAME').length;
    client.raw('not json');
    client.raw(Buffer.from(JSON.stringify({ type: 'ping' })), true);
    client.raw(JSON.stringify({ type: 'send', text: 'x'.repeat(5000), nonce: 'big' }));
    client.raw(JSON.stringify({ type: 'send', text: 'hi' }));
    client.raw(JSON.stringify({ type: 'send', text: 'hi', nonce: 'extra', admin: true }));
    client.raw(JSON.stringify({ type: 'nope' }));
    client.raw('[1,2]');
    await waitFor(() => errors() === 7);
    expect(client.frames.find((f) => f.nonce === 'extra')).toMatchObject({ code: 'MALFORMED_FRAME' });
    expect(client.closeCode).toBeUndefined();
    // Still works after a few bad frames.
    expect(await client.send('still here')).toMatchObject({ type: 'ack' });
    for (let i = 0; i < 10; i++) client.raw('{');
    expect(await client.closed()).toBe(1008);
  });

  it('a 1 MB frame closes the connection (1009) without being read; the node serves on', async () => {
    const { channelId } = c.newChannel();
    const client = await ChatClient.connect(url, channelId, { headers: c.newUser().headers });
    client.raw(JSON.stringify({ type: 'send', text: 'x'.repeat(1024 * 1024), nonce: 'huge' }));
    expect(await client.closed()).toBe(1009);
    const next = await ChatClient.connect(url, channelId, { headers: c.newUser().headers });
    expect(await next.send('fine')).toMatchObject({ type: 'ack' });
    next.close();
  });

  it('invalid UTF-8 in a text frame closes the connection with 1007', async () => {
    const { channelId } = c.newChannel();
    const client = await ChatClient.connect(url, channelId);
    // ws validates outgoing text only when asked: send raw bytes marked as text.
    (client.ws as unknown as { _sender: { send(d: Buffer, o: object, cb?: () => void): void } })._sender.send(
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      { binary: false, fin: true, mask: true, compress: false, rsv1: false, opcode: 1 },
    );
    expect(await client.closed()).toBe(1007);
  });

  it('1000 frames in a second from one client: closed with 1008, others unaffected', async () => {
    const { channelId } = c.newChannel();
    const flood = await ChatClient.connect(url, channelId, { headers: c.newUser().headers });
    const calm = await ChatClient.connect(url, channelId, { headers: c.newUser().headers });
    for (let i = 0; i < 1000; i++) flood.raw(JSON.stringify({ type: 'send', text: `flood ${i}`, nonce: `f${i}` }));
    expect(await flood.closed()).toBe(1008);
    // The flood was cut by the per-user rate limit as well: at most 20 of it went into the log.
    const acks = flood.frames.filter((f) => f.type === 'ack').length;
    expect(acks).toBeLessThanOrEqual(20);
    expect(await calm.send('unaffected')).toMatchObject({ type: 'ack' });
    calm.close();
  });

  it('bounds connections per IP and per user (429 before the upgrade)', async () => {
    const { channelId } = c.newChannel();
    const user = c.newUser();
    const mine = await Promise.all([1, 2, 3].map(() => ChatClient.connect(url, channelId, { headers: user.headers })));
    expect(await ChatClient.refusal(url, `/ws/chat/${channelId}`, { headers: user.headers })).toMatchObject({
      status: 429,
      body: { code: 'TOO_MANY_CONNECTIONS' },
    });
    mine[0]!.close();
    await mine[0]!.closed();
    await waitFor(async () => {
      try {
        (await ChatClient.connect(url, channelId, { headers: user.headers })).close();
        return true;
      } catch {
        return false;
      }
    });
    const anonymous: ChatClient[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        anonymous.push(await ChatClient.connect(url, channelId));
      } catch {
        break;
      }
    }
    // 20 per address: the user's two and the anonymous ones share it.
    expect(anonymous.length).toBeLessThanOrEqual(18);
    expect(await ChatClient.refusal(url, `/ws/chat/${channelId}`)).toMatchObject({ status: 429 });
    // Closed before the next test connects from the same address: the server counts a connection
    // until it has seen it close.
    for (const client of [...mine.slice(1), ...anonymous]) client.close();
    await Promise.all([...mine.slice(1), ...anonymous].map((client) => client.closed()));
  });

  it('a dead connection (no pong) is closed; the server answers protocol pings', async () => {
    const { channelId } = c.newChannel();
    // A raw socket that completes the handshake and then says nothing, answering no ping.
    // From an address of its own (all of 127/8 is loopback): the per-address budget is not shared.
    const socket = connect({ port: Number(new URL(url).port), host: '127.0.0.1', localAddress: '127.0.0.2' });
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `GET /ws/chat/${channelId} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${CHAT_SUBPROTOCOL}\r\n\r\n`,
    );
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    const closed = new Promise((r) => socket.once('close', r));
    await waitFor(() => received.includes('101 Switching Protocols'), { what: `101, not ${JSON.stringify(received)}` });
    expect(received).toContain(`Sec-WebSocket-Protocol: ${CHAT_SUBPROTOCOL}`);
    // Pings every 2 s in this file: unanswered, the connection is gone within two intervals.
    const started = Date.now();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 15_000))]);
    expect(socket.destroyed || socket.readableEnded).toBe(true);
    expect(Date.now() - started).toBeLessThan(6000);
    // ws answers pings: a live client stays.
    const alive = await ChatClient.connect(url, channelId);
    await new Promise((r) => setTimeout(r, 5000));
    expect(alive.closeCode).toBeUndefined();
    alive.close();
  }, 30_000);
});

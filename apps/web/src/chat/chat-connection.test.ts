import type { AddressInfo } from 'node:net';
import {
  CHAT_BEARER_SUBPROTOCOL_PREFIX,
  CHAT_SUBPROTOCOL,
  type ChatChannelEvent,
  DEFAULT_CHAT_SETTINGS,
  type WelcomeFrame,
} from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket as ServerSocket, WebSocketServer } from 'ws';
import { ChatConnection, type ChatStatus } from './chat-connection.ts';
import { applyEvents, applyWelcome, type ChatLog, emptyChatLog } from './chat-log.ts';

// A small real chat server speaking phzzk.chat.v1 (from the contract's frames): it keeps a
// channel's events, answers `?since=` with what came after, acks sends and can drop connections.
const CHANNEL = '0190c2d6-0000-7000-8000-0000000000aa';
const user = { id: '0190c2d6-0000-7000-8000-000000000001', nickname: 'kim', role: 'viewer' as const };

async function startServer() {
  const events: ChatChannelEvent[] = [];
  const sockets = new Set<ServerSocket>();
  const seen: { url: string; protocols: string[] }[] = [];
  let repeatOnResume = false;
  const wss = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (protocols) => (protocols.has(CHAT_SUBPROTOCOL) ? CHAT_SUBPROTOCOL : false),
  });
  const push = (text: string) => {
    const seq = events.length + 1;
    const event: ChatChannelEvent = {
      type: 'message',
      seq,
      messageId: `0190c2d6-0000-7000-8000-${String(seq).padStart(12, '0')}`,
      user,
      text,
      sentAt: new Date().toISOString(),
    };
    events.push(event);
    for (const s of sockets) s.send(JSON.stringify(event));
    return event;
  };
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket, request) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    seen.push({ url: request.url ?? '', protocols });
    const token = protocols.find((p) => p.startsWith(CHAT_BEARER_SUBPROTOCOL_PREFIX));
    const since = Number(url.searchParams.get('since') ?? 0);
    const history = since > 0 ? events.filter((e) => e.seq > since - (repeatOnResume ? 1 : 0)) : events.slice(-50);
    const welcome: WelcomeFrame = {
      type: 'welcome',
      channelId: CHANNEL,
      connectionId: '0190c2d6-0000-7000-8000-0000000000cc',
      user: token ? user : null,
      settings: DEFAULT_CHAT_SETTINGS,
      seq: events.length,
      history,
    };
    socket.send(JSON.stringify(welcome));
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; text?: string; nonce?: string };
      if (frame.type === 'ping') socket.send('{"type":"pong"}');
      if (frame.type !== 'send' || !frame.nonce) return;
      if (!token) {
        socket.send(JSON.stringify({ type: 'error', nonce: frame.nonce, code: 'UNAUTHENTICATED', message: 'sign in' }));
        return;
      }
      if (frame.text === 'too fast') {
        const error = {
          type: 'error',
          nonce: frame.nonce,
          code: 'SLOW_MODE',
          message: 'slow mode',
          retryAfterMs: 2500,
        };
        socket.send(JSON.stringify(error));
        return;
      }
      const event = push(frame.text ?? '');
      socket.send(JSON.stringify({ type: 'ack', nonce: frame.nonce, messageId: event.messageId, seq: event.seq }));
    });
  });
  return {
    url: () => `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/chat/${CHANNEL}`,
    push,
    seen,
    repeatNextResume: () => {
      repeatOnResume = true;
    },
    dropAll: () => {
      for (const s of sockets) s.terminate();
    },
    close: () => new Promise<void>((r) => wss.close(() => r())),
  };
}

function client(url: string, token: string | undefined) {
  let log: ChatLog = emptyChatLog();
  const statuses: ChatStatus[] = [];
  const acks: string[] = [];
  const errors: { code: string; retryAfterMs?: number | undefined }[] = [];
  const connection = new ChatConnection({
    url,
    protocol: { subprotocol: CHAT_SUBPROTOCOL, bearerPrefix: CHAT_BEARER_SUBPROTOCOL_PREFIX },
    token: async () => token,
    lastSeq: () => log.lastSeq,
    backoffMs: { initial: 20, max: 100 },
    on: {
      welcome: (frame, resumed) => {
        log = applyWelcome(log, frame, resumed);
      },
      events: (events) => {
        log = applyEvents(log, events);
      },
      ack: (nonce) => acks.push(nonce),
      error: (frame) => errors.push({ code: frame.code, retryAfterMs: frame.retryAfterMs }),
      status: (s) => statuses.push(s),
    },
  });
  connection.start();
  return { connection, statuses, acks, errors, log: () => log };
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('chat connection (phzzk.chat.v1)', () => {
  it('offers the token as the second subprotocol, gets the history, sends and is acked', async () => {
    const server = await startServer();
    cleanup.push(server.close);
    server.push('hello');
    const c = client(server.url(), 'header.payload.sig');
    cleanup.push(() => c.connection.close());
    await waitFor(() => c.statuses.includes('open'), { what: 'welcome' });
    expect(server.seen[0]?.protocols).toEqual([
      CHAT_SUBPROTOCOL,
      `${CHAT_BEARER_SUBPROTOCOL_PREFIX}header.payload.sig`,
    ]);
    expect(c.connection.user?.nickname).toBe('kim');
    expect(c.log().lines.map((l) => l.text)).toEqual(['hello']);
    expect(c.connection.send('<b>bold</b>', 'n1')).toBe(true);
    await waitFor(() => c.acks.includes('n1'), { what: 'the ack' });
    await waitFor(() => c.log().lines.length === 2, { what: 'the echoed message' });
    expect(c.log().lines[1]?.text).toBe('<b>bold</b>');
  });

  it('reads anonymously without a bearer subprotocol; a send is refused with an error frame', async () => {
    const server = await startServer();
    cleanup.push(server.close);
    const c = client(server.url(), undefined);
    cleanup.push(() => c.connection.close());
    await waitFor(() => c.statuses.includes('open'), { what: 'welcome' });
    expect(server.seen[0]?.protocols).toEqual([CHAT_SUBPROTOCOL]);
    expect(c.connection.user).toBeNull();
    c.connection.send('hi', 'n2');
    await waitFor(() => c.errors.length === 1, { what: 'the error' });
    expect(c.errors[0]?.code).toBe('UNAUTHENTICATED');
  });

  it('passes a slow-mode error with its retry time', async () => {
    const server = await startServer();
    cleanup.push(server.close);
    const c = client(server.url(), 'a.b.c');
    cleanup.push(() => c.connection.close());
    await waitFor(() => c.statuses.includes('open'), { what: 'welcome' });
    c.connection.send('too fast', 'n3');
    await waitFor(() => c.errors.length === 1, { what: 'the error' });
    expect(c.errors[0]).toEqual({ code: 'SLOW_MODE', retryAfterMs: 2500 });
  });

  it('reconnects after a drop with ?since= and shows what it missed exactly once', async () => {
    const server = await startServer();
    cleanup.push(server.close);
    for (const text of ['a', 'b', 'c']) server.push(text);
    const c = client(server.url(), 'a.b.c');
    cleanup.push(() => c.connection.close());
    await waitFor(() => c.log().lastSeq === 3, { what: 'the history' });
    server.repeatNextResume(); // the server repeats the last event seen: it must not show twice
    server.dropAll();
    await waitFor(() => c.statuses.includes('reconnecting'), { what: 'the drop to be noticed' });
    server.push('d'); // sent while the client was away
    await waitFor(() => server.seen.length === 2 && c.log().lastSeq === 4, { what: 'the resume', timeoutMs: 5000 });
    expect(server.seen[1]?.url).toContain('?since=3');
    server.push('e');
    await waitFor(() => c.log().lastSeq === 5, { what: 'a live event after the resume' });
    expect(c.log().lines.map((l) => l.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('does not reconnect after close()', async () => {
    const server = await startServer();
    cleanup.push(server.close);
    const c = client(server.url(), undefined);
    await waitFor(() => c.statuses.includes('open'), { what: 'welcome' });
    c.connection.close();
    await new Promise((r) => setTimeout(r, 150));
    expect(server.seen).toHaveLength(1);
    expect(c.statuses.at(-1)).toBe('closed');
  });
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CHAT_BEARER_SUBPROTOCOL_PREFIX,
  CHAT_SUBPROTOCOL,
  type ChatChannelEvent,
  type ChatErrorCode,
  type ChatRole,
  type ChatSettingsValue,
  type ChatUser,
  DEFAULT_CHAT_SETTINGS,
  type ErrorFrame,
  type WelcomeFrame,
} from '@phzzk/contracts';
import { type WebSocket, WebSocketServer } from 'ws';
import { tokenSubject } from '../../src/server/session-cookies.ts';

/**
 * A small chat server speaking `phzzk.chat.v1` (frames from packages/contracts), for the web
 * app's tests until services/chat lands: per-channel events with seq, `?since=` resume, acks and
 * error frames, the browser's bearer subprotocol, and the moderation routes the panel calls
 * (DELETE a message, PUT a ban, GET|PUT settings). It trusts a token's `sub` without verifying it
 * (the gateway verifies tokens); who owns a channel and users' nicknames come from `lookup`.
 */
export interface ChatProtocolServerOptions {
  /** The nickname of a user id, and the owner id of a channel (the test knows or asks the API). */
  lookup: { nickname(userId: string): Promise<string>; ownerOf(channelId: string): Promise<string | undefined> };
  /** Send this error (with retryAfterMs) instead of accepting a message whose text matches. */
  rejectWhen?: (text: string) => { code: ChatErrorCode; retryAfterMs?: number } | undefined;
}

interface Channel {
  events: ChatChannelEvent[];
  settings: ChatSettingsValue;
  sockets: Set<WebSocket>;
}

const uuidFor = (n: number) => `0190c2d6-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

export async function startChatProtocolServer(options: ChatProtocolServerOptions) {
  const channels = new Map<string, Channel>();
  const connections: { url: string; protocols: string[] }[] = [];
  let ids = 0;
  let repeatOnResume = false;
  const channel = (id: string) => {
    let c = channels.get(id);
    if (!c) {
      c = { events: [], settings: { ...DEFAULT_CHAT_SETTINGS }, sockets: new Set() };
      channels.set(id, c);
    }
    return c;
  };
  const publish = (channelId: string, make: (seq: number) => ChatChannelEvent) => {
    const c = channel(channelId);
    const event = make(c.events.length + 1);
    c.events.push(event);
    for (const s of c.sockets) s.send(JSON.stringify(event));
    return event;
  };
  /** A chat message from `user`, published with the next seq. */
  const publishMessage = (channelId: string, user: ChatUser, text: string) => {
    const messageId = uuidFor(++ids);
    const event = publish(channelId, (seq) => ({
      type: 'message',
      seq,
      messageId,
      user,
      text,
      sentAt: new Date().toISOString(),
    }));
    return { event, messageId };
  };
  const roleOf = async (channelId: string, userId: string): Promise<ChatRole> =>
    (await options.lookup.ownerOf(channelId)) === userId ? 'owner' : 'viewer';

  const http: Server = createServer((req, res) => void serveHttp(req, res));
  async function serveHttp(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const userId =
      req.headers['x-phzzk-user-id'] ?? tokenSubject(String(req.headers.authorization ?? '').replace(/^Bearer /i, ''));
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (url.pathname === '/health')
      return send(200, { status: 'up', service: 'chat', instanceId: 'chat-test', checks: {} });
    const match = /^\/api\/chat\/([0-9a-f-]{36})\/(settings|messages\/([0-9a-f-]{36})|bans\/([0-9a-f-]{36}))$/.exec(
      url.pathname,
    );
    if (!match) return send(404, { code: 'ROUTE_NOT_FOUND' });
    const channelId = match[1]!;
    if (match[2] === 'settings' && req.method === 'GET') return send(200, channel(channelId).settings);
    if (typeof userId !== 'string' || (await options.lookup.ownerOf(channelId)) !== userId)
      return send(403, { code: 'FORBIDDEN' });
    if (match[3] && req.method === 'DELETE') {
      publish(channelId, (seq) => ({ type: 'deleted', seq, messageId: match[3]! }));
      return send(204);
    }
    if (match[4] && req.method === 'PUT') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const { durationSeconds } = JSON.parse(body || '{}') as { durationSeconds?: number };
      publish(channelId, (seq) => ({
        type: 'moderation',
        seq,
        action: durationSeconds ? 'timeout' : 'ban',
        userId: match[4]!,
        ...(durationSeconds ? { until: new Date(Date.now() + durationSeconds * 1000).toISOString() } : {}),
      }));
      return send(204);
    }
    return send(405, { code: 'METHOD_NOT_ALLOWED' });
  }

  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has(CHAT_SUBPROTOCOL) ? CHAT_SUBPROTOCOL : false),
  });
  wss.on('connection', (socket, request) => void onConnection(socket, request));
  async function onConnection(socket: WebSocket, request: IncomingMessage) {
    const url = new URL(request.url ?? '/', 'http://x');
    const channelId = /^\/ws\/chat\/([0-9a-f-]{36})$/.exec(url.pathname)?.[1];
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    connections.push({ url: request.url ?? '', protocols });
    if (!channelId) return socket.close(1008);
    const bearer = protocols.find((p) => p.startsWith(CHAT_BEARER_SUBPROTOCOL_PREFIX));
    const userId =
      (request.headers['x-phzzk-user-id'] as string | undefined) ??
      tokenSubject(bearer?.slice(CHAT_BEARER_SUBPROTOCOL_PREFIX.length));
    const c = channel(channelId);
    const user = userId
      ? { id: userId, nickname: await options.lookup.nickname(userId), role: await roleOf(channelId, userId) }
      : null;
    const since = Number(url.searchParams.get('since') ?? 0);
    const from = since > 0 ? since - (repeatOnResume ? 1 : 0) : 0;
    repeatOnResume = false;
    const history = since > 0 ? c.events.filter((e) => e.seq > from) : c.events.slice(-50);
    const welcome: WelcomeFrame = {
      type: 'welcome',
      channelId,
      connectionId: uuidFor(++ids),
      user,
      settings: c.settings,
      seq: c.events.length,
      history,
    };
    socket.send(JSON.stringify(welcome));
    c.sockets.add(socket);
    socket.on('close', () => c.sockets.delete(socket));
    socket.on('message', (data) => {
      let frame: { type?: string; text?: unknown; nonce?: unknown };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return socket.send(JSON.stringify({ type: 'error', code: 'MALFORMED_FRAME', message: 'not JSON' }));
      }
      if (frame.type === 'ping') return socket.send('{"type":"pong"}');
      const nonce = typeof frame.nonce === 'string' ? frame.nonce : undefined;
      const fail = (code: ChatErrorCode, retryAfterMs?: number) => {
        // ErrorFrame's `code` comes out of a mapped union TypeScript cannot narrow; the values are CHAT_ERROR_CODES.
        const error: Omit<ErrorFrame, 'code'> & { code: ChatErrorCode } = {
          type: 'error',
          code,
          message: code,
          ...(nonce ? { nonce } : {}),
          ...(retryAfterMs ? { retryAfterMs } : {}),
        };
        socket.send(JSON.stringify(error));
      };
      if (frame.type !== 'send' || !nonce || typeof frame.text !== 'string') return fail('MALFORMED_FRAME');
      if (!user) return fail('UNAUTHENTICATED');
      const text = frame.text.trim();
      if (!text) return fail('EMPTY_MESSAGE');
      const rejected = options.rejectWhen?.(text);
      if (rejected) return fail(rejected.code, rejected.retryAfterMs);
      const { event, messageId } = publishMessage(channelId, user, text);
      socket.send(JSON.stringify({ type: 'ack', nonce, messageId, seq: event.seq }));
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections,
    /** A message in a channel from someone else (as another connection would send it). */
    say(
      channelId: string,
      text: string,
      user = { id: uuidFor(0xfffff), nickname: 'someone', role: 'viewer' as const },
    ) {
      return publishMessage(channelId, user, text).event;
    },
    /** Every event of a channel so far. */
    events: (channelId: string) => channel(channelId).events,
    /** The next resume also repeats the last event the client saw (it must not show twice). */
    repeatNextResume() {
      repeatOnResume = true;
    },
    /** Drops every open connection (as a chat node dying would). */
    dropAll() {
      for (const c of channels.values()) for (const s of c.sockets) s.terminate();
    },
    async close() {
      for (const c of channels.values()) for (const s of c.sockets) s.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

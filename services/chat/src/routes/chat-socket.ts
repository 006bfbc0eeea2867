import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CHAT_SUBPROTOCOL, ChatCloseCode, type ChatErrorCode, type ChatRole } from '@phzzk/contracts';
import {
  type Logger,
  optionalCaller,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problemBody,
  type ServiceApp,
  statusTitle,
} from '@phzzk/kit';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { type SenderDeps, sendMessage } from '../domain/chat-sender.ts';
import { parseClientFrame, WindowCounter } from '../domain/client-frames.ts';
import type { ConnectionAdmission } from '../domain/connection-limits.ts';
import { roleOf } from '../domain/moderation.ts';
import {
  type ChannelDirectory,
  type ChatObserver,
  type CloseReason,
  UnavailableError,
  type UserDirectory,
} from '../domain/ports.ts';
import type { PresenceTracker } from '../domain/presence.ts';
import { planResume, recentHistory } from '../domain/sequencing.ts';
import type { ChannelFeed, ChannelFeeds, FeedClient } from '../workers/channel-feeds.ts';

// `GET /ws/chat/{channelId}`: the upgrade (404 for an unknown channel, 429 over the connection
// limits, all before the upgrade), the welcome with history or a resume, then frames both ways.

export interface SocketSettings {
  maxFrameBytes: number;
  /** ws refuses (close 1009) frames above this without reading them; between the two: MALFORMED_FRAME. */
  hardMaxFrameBytes: number;
  maxBufferedBytes: number;
  framesPerWindow: number;
  malformedPerWindow: number;
  abuseWindowMs: number;
  pingIntervalMs: number;
  welcomeMessages: number;
  /** Sends waiting per connection before more are refused with RATE_LIMITED. */
  maxQueuedSends: number;
}

export interface ChatSocketDeps {
  app: ServiceApp;
  feeds: ChannelFeeds;
  channels: ChannelDirectory;
  users: UserDirectory;
  sender: SenderDeps;
  presence: PresenceTracker;
  limits: ConnectionAdmission;
  /** Reads a resume older than the node's memory from the log. */
  readLog: (channelId: string, from: number) => Promise<import('../domain/sequencing.ts').LoggedEvent[]>;
  settings: () => SocketSettings;
  newId: () => string;
  /** A message was appended here (the relay is kicked). */
  appended: () => void;
  observer: ChatObserver;
  logger: Logger;
}

const PATH = /^\/ws\/chat\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/;
const SEQ = /^(0|[1-9][0-9]{0,15})$/;
/** ws's WebSocket.OPEN. */
const OPEN = 1;

function refuse(socket: Duplex, status: number, code: string, detail: string): void {
  const body = JSON.stringify(problemBody(status, code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${statusTitle(status)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The client's address: the gateway appends it to x-forwarded-for; a direct client is its socket. */
function clientIp(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  const list = typeof forwarded === 'string' ? forwarded.split(',') : [];
  const last = list[list.length - 1]?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}

/** The signed-in user of a connection; the nickname follows user.events. */
export interface UserOnSocket {
  readonly id: string;
  nickname: string;
}

export class ChatConnection implements FeedClient {
  sentSeq = 0;
  ready = false;
  alive = true;
  closed = false;
  blockedUntil = 0;
  queued = 0;
  private chain: Promise<void> = Promise.resolve();
  readonly frames: WindowCounter;
  readonly malformed: WindowCounter;
  readonly ws: WebSocket;
  readonly feed: ChannelFeed;
  readonly user: UserOnSocket | undefined;
  readonly ip: string;
  private readonly socketsDeps: ChatSocketDeps;

  constructor(ws: WebSocket, feed: ChannelFeed, user: UserOnSocket | undefined, ip: string, deps: ChatSocketDeps) {
    this.ws = ws;
    this.feed = feed;
    this.user = user;
    this.ip = ip;
    this.socketsDeps = deps;
    const s = deps.settings();
    this.frames = new WindowCounter(s.framesPerWindow, s.abuseWindowMs);
    this.malformed = new WindowCounter(s.malformedPerWindow, s.abuseWindowMs);
  }

  /**
   * Frames the node built once for every client go straight to the socket: server frames are
   * unmasked and uncompressed here, so ws would write the same bytes, one send per frame. ws's
   * own writes (welcome, acks, pings, close) go to the same socket synchronously, so order holds;
   * its bufferedAmount counts the socket's buffer, so the backpressure bound sees these too.
   */
  deliver(wire: Buffer): void {
    if (this.closed || this.ws.readyState !== OPEN) return;
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (!socket || socket.destroyed) return;
    socket.write(wire);
    if (this.ws.bufferedAmount > this.socketsDeps.settings().maxBufferedBytes) this.cutOff();
  }

  sendJson(value: unknown): void {
    if (!this.closed) this.ws.send(JSON.stringify(value));
  }

  error(code: ChatErrorCode, message: string, nonce?: string, retryAfterMs?: number): void {
    this.sendJson({
      type: 'error',
      ...(nonce === undefined ? {} : { nonce }),
      code,
      message,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)) }),
    });
  }

  /** A client that does not read: closed with 1013 (it may resume with `since`). */
  cutOff(): void {
    this.close(ChatCloseCode.tryAgainLater, 'too slow: reconnect with ?since=', 'backpressure');
  }

  close(code: number, reason: string, why: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.socketsDeps.observer.closed(why);
    this.ws.close(code, reason);
    // A peer that does not read will not read the close frame either.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  /** Sends of one connection are handled one after another, in the order they came. */
  enqueue(work: () => Promise<void>): void {
    this.queued++;
    this.chain = this.chain.then(work).finally(() => this.queued--);
  }
}

export interface ChatSockets {
  connections: Set<ChatConnection>;
  /** This node's connections per signed-in user. */
  byUser: Map<string, Set<ChatConnection>>;
}

export function installChatSocket(deps: ChatSocketDeps): ChatSockets {
  const { app, feeds, logger } = deps;
  const connections = new Set<ChatConnection>();
  const byUser = new Map<string, Set<ChatConnection>>();
  const initial = deps.settings();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: initial.hardMaxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(CHAT_SUBPROTOCOL) ? CHAT_SUBPROTOCOL : false),
  });

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(req, socket, head).catch((error) => {
      // A refusal with its own status (identity headers that do not verify: 401) is the caller's;
      // anything else is ours.
      if (error instanceof ProblemError) return refuse(socket, error.status, error.code, error.message);
      logger.error({ err: error }, 'chat upgrade failed');
      refuse(socket, 500, 'INTERNAL_ERROR', 'An unexpected error occurred.');
    });
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://chat');
    const match = PATH.exec(url.pathname);
    if (!match) return refuse(socket, 404, 'ROUTE_NOT_FOUND', 'Chat lives at /ws/chat/{channelId}.');
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuse(socket, 400, 'BAD_UPGRADE', 'This endpoint speaks WebSocket only.');
    }
    const channelId = match[1]!;
    const sinceParam = url.searchParams.get('since');
    if (sinceParam !== null && !SEQ.test(sinceParam)) {
      return refuse(socket, 400, 'VALIDATION_FAILED', 'since is a non-negative integer (a seq).');
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(CHAT_SUBPROTOCOL)) {
      return refuse(socket, 400, 'SUBPROTOCOL_REQUIRED', `Offer the subprotocol ${CHAT_SUBPROTOCOL}.`);
    }
    const caller = optionalCaller(req);

    let channel: Awaited<ReturnType<ChannelDirectory['channel']>>;
    try {
      channel = await deps.channels.channel(channelId);
    } catch (error) {
      if (error instanceof UnavailableError) {
        return refuse(socket, 503, 'UNAVAILABLE', 'The channel service is unavailable; try again.');
      }
      throw error;
    }
    if (!channel) return refuse(socket, 404, 'CHANNEL_NOT_FOUND', 'No channel has this id.');

    const ip = clientIp(req);
    const admitted = await deps.limits.admit(ip, caller?.userId);
    if (!admitted.ok) return refuse(socket, 429, 'TOO_MANY_CONNECTIONS', admitted.detail);
    let admittedHere = true;
    const releaseAdmission = () => {
      if (admittedHere) deps.limits.release(ip, caller?.userId);
      admittedHere = false;
    };
    socket.once('close', () => {
      if (!upgraded) releaseAdmission();
    });
    let upgraded = false;

    let feed: ChannelFeed;
    let user: UserOnSocket | undefined;
    try {
      const [opened, nickname] = await Promise.all([
        feeds.open(channelId),
        caller ? deps.users.nickname(caller.userId).catch(() => undefined) : Promise.resolve(undefined),
      ]);
      feed = opened;
      if (caller) user = { id: caller.userId, nickname: nickname ?? `user-${caller.userId.slice(-8)}` };
    } catch (error) {
      releaseAdmission();
      logger.warn({ err: error, channelId }, 'chat feed unavailable');
      return refuse(socket, 503, 'UNAVAILABLE', 'Chat is unavailable; try again.');
    }
    if (socket.destroyed) {
      releaseAdmission();
      feeds.release(feed);
      return;
    }
    upgraded = true;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new ChatConnection(ws, feed, user, ip, deps);
      attach(connection, sinceParam === null ? undefined : Number(sinceParam), () => releaseAdmission());
    });
  }

  function attach(connection: ChatConnection, since: number | undefined, releaseAdmission: () => void): void {
    const { ws, feed, user } = connection;
    connections.add(connection);
    feed.clients.add(connection);
    if (user) {
      let set = byUser.get(user.id);
      if (!set) {
        set = new Set();
        byUser.set(user.id, set);
      }
      set.add(connection);
    }
    const role: ChatRole | undefined = user ? roleOf(feed.rules, user.id) : undefined;
    deps.presence.add(feed.channelId, user && role ? { userId: user.id, nickname: user.nickname, role } : undefined);

    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => onFrame(connection, data, isBinary));
    ws.on('error', () => {});
    ws.on('close', () => {
      connection.closed = true;
      connections.delete(connection);
      feed.clients.delete(connection);
      feeds.release(feed);
      if (user) {
        const set = byUser.get(user.id);
        set?.delete(connection);
        if (set?.size === 0) byUser.delete(user.id);
      }
      deps.presence.remove(feed.channelId, user?.id);
      releaseAdmission();
    });

    welcome(connection, since, role).catch((error) => {
      logger.warn({ err: error, channelId: feed.channelId }, 'chat welcome failed');
      connection.close(1011, 'welcome failed: reconnect', 'shutdown');
    });
  }

  async function welcome(connection: ChatConnection, since: number | undefined, role: ChatRole | undefined) {
    const { feed, user } = connection;
    const s = deps.settings();
    const plan = planResume(since, feed.lastSeq, feed.oldestRecentSeq);
    let history: string[];
    let seq: number;
    let reset = false;
    switch (plan.kind) {
      case 'recent':
      case 'reset':
        history = recentHistory(feed.recent, s.welcomeMessages).map((e) => e.frame);
        seq = feed.lastSeq;
        reset = plan.kind === 'reset';
        break;
      case 'up-to-date':
        history = [];
        seq = feed.lastSeq;
        break;
      case 'memory':
        history = feed.recentAfter(plan.from - 1).map((e) => e.frame);
        seq = feed.lastSeq;
        break;
      case 'log': {
        const events = await deps.readLog(feed.channelId, plan.from);
        if (events.length === 0 || events[0]!.seq !== plan.from) {
          history = recentHistory(feed.recent, s.welcomeMessages).map((e) => e.frame);
          seq = feed.lastSeq;
          reset = true;
        } else {
          // The log read ends somewhere; the node's memory continues from there.
          const upTo = events[events.length - 1]!.seq;
          const rest = feed.recentAfter(upTo);
          history = [...events, ...rest].map((e) => e.frame);
          seq = Math.max(upTo, feed.lastSeq);
        }
        break;
      }
    }
    if (connection.closed) return;
    const head = {
      type: 'welcome',
      channelId: feed.channelId,
      connectionId: deps.newId(),
      user: user && role ? { id: user.id, nickname: user.nickname, role } : null,
      settings: feed.rules.settings,
      seq,
    };
    const json = JSON.stringify(head);
    connection.ws.send(`${json.slice(0, -1)},"history":[${history.join(',')}]${reset ? ',"reset":true' : ''}}`);
    connection.sentSeq = seq;
    connection.ready = true;
  }

  function onFrame(connection: ChatConnection, data: RawData, isBinary: boolean): void {
    if (connection.closed) return;
    connection.alive = true;
    const now = Date.now();
    const s = deps.settings();
    if (connection.frames.hit(now)) {
      connection.close(ChatCloseCode.policyViolation, 'too many frames', 'flood');
      return;
    }
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const frame = parseClientFrame(raw, isBinary, s.maxFrameBytes);
    switch (frame.kind) {
      case 'malformed':
        connection.error('MALFORMED_FRAME', frame.message, frame.nonce);
        if (connection.malformed.hit(now)) {
          connection.close(ChatCloseCode.policyViolation, 'repeated malformed frames', 'malformed');
        }
        return;
      case 'ping':
        connection.sendJson({ type: 'pong' });
        return;
      case 'send': {
        const user = connection.user;
        if (!user) {
          connection.error('UNAUTHENTICATED', 'Sign in to chat.', frame.nonce);
          return;
        }
        if (connection.blockedUntil > now) {
          connection.error('RATE_LIMITED', 'You are sending too fast.', frame.nonce, connection.blockedUntil - now);
          return;
        }
        if (connection.queued >= s.maxQueuedSends) {
          connection.error('RATE_LIMITED', 'Too many messages waiting.', frame.nonce, 1000);
          return;
        }
        connection.enqueue(async () => {
          try {
            const outcome = await sendMessage(deps.sender, {
              channelId: connection.feed.channelId,
              userId: user.id,
              nickname: user.nickname,
              rules: connection.feed.rules,
              text: frame.text,
              knownSeq: connection.feed.lastSeq,
            });
            deps.observer.sent(outcome.ok ? 'ack' : outcome.code);
            if (outcome.ok) {
              deps.appended();
              connection.sendJson({ type: 'ack', nonce: frame.nonce, messageId: outcome.messageId, seq: outcome.seq });
            } else {
              if (outcome.code === 'RATE_LIMITED' && outcome.retryAfterMs !== undefined) {
                connection.blockedUntil = Date.now() + outcome.retryAfterMs;
              }
              connection.error(outcome.code, outcome.message, frame.nonce, outcome.retryAfterMs);
            }
          } catch (error) {
            logger.warn({ err: error, channelId: connection.feed.channelId }, 'chat send failed');
            connection.error('UNAVAILABLE', 'The message was not sent; try again.', frame.nonce);
          }
        });
        return;
      }
    }
  }

  // One sweep for every connection: a connection that answered no ping since the last sweep is dead.
  let heartbeat: NodeJS.Timeout;
  const scheduleHeartbeat = () => {
    heartbeat = setTimeout(() => {
      for (const connection of connections) {
        if (!connection.alive) {
          connection.closed = true;
          deps.observer.closed('dead');
          connection.ws.terminate();
          continue;
        }
        connection.alive = false;
        try {
          connection.ws.ping();
        } catch {
          connection.ws.terminate();
        }
      }
      scheduleHeartbeat();
    }, deps.settings().pingIntervalMs);
    heartbeat.unref();
  };
  scheduleHeartbeat();

  app.addHook('onClose', async () => {
    clearTimeout(heartbeat);
    for (const connection of connections) {
      connection.close(ChatCloseCode.goingAway, 'node shutting down: reconnect', 'shutdown');
    }
    wss.close();
  });

  return { connections, byUser };
}

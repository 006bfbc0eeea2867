import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { readRequestHead } from '../domain/http1-request-head.ts';
import type { FastRequest } from '../domain/ports.ts';
import { FastResponse } from './fast-response.ts';
import { ClientLink } from '../domain/relay.ts';

export interface FastLaneOptions {
  /**
   * Serves one request read on the fast lane, answering through `response`. Returns false, having
   * written nothing, when Node's server should take the connection from this request on.
   */
  serve(request: FastRequest, remoteAddress: string, response: FastResponse, link: ClientLink): boolean;
  /** While the gateway shuts down, every new request goes to Node's server (503 + close there). */
  isClosing(): boolean;
  /** An idle keep-alive connection is closed after this long. */
  idleTimeoutMs: number;
  /** A request head must be complete this long after its first byte. */
  headersTimeoutMs: number;
  /** Open connections per client address (0: no cap); the next one is answered 429 and closed. */
  maxConnectionsPerIp?: () => number;
}

function problemMessage(status: number, title: string, code: string, detail: string, extra = ''): Buffer {
  const body = JSON.stringify({
    type: `urn:phzzk:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code,
    detail,
  });
  return Buffer.from(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

const REQUEST_TIMEOUT = problemMessage(
  408,
  'Request Timeout',
  'REQUEST_TIMEOUT',
  'The request head did not arrive in time',
);

const TOO_MANY_CONNECTIONS = problemMessage(
  429,
  'Too Many Requests',
  'TOO_MANY_CONNECTIONS',
  'Too many open connections from this address',
  'Retry-After: 1\r\n',
);

/**
 * The gateway's fast lane: plain proxied GET and HEAD requests are read and answered straight on
 * the socket, with no request/response objects per request. The first request of any other kind
 * (a body, an upgrade, a malformed or unusual head, the gateway's own paths, an unknown route)
 * hands the connection, bytes unread included, to Node's HTTP server for good, which serves or
 * refuses it in full. Requests on one connection are answered in order, one at a time.
 */
export function installFastLane(server: Server, options: FastLaneOptions) {
  // Node's own connection handling (the HTTP parser), run for connections handed over.
  const nodeListeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const handOver = (socket: Socket) => {
    for (const listener of nodeListeners) listener.call(server, socket);
  };
  const connections = new Set<FastConnection>();
  // Every connection passes here first (upgrades and handed-over ones included): the per-IP cap.
  const perIp = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const cap = options.maxConnectionsPerIp?.() ?? 0;
    if (cap > 0) {
      const ip = socket.remoteAddress ?? '';
      const open = (perIp.get(ip) ?? 0) + 1;
      if (open > cap) {
        socket.on('error', () => {});
        socket.end(TOO_MANY_CONNECTIONS);
        socket.destroySoon();
        return;
      }
      perIp.set(ip, open);
      socket.once('close', () => {
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left > 0) perIp.set(ip, left);
        else perIp.delete(ip);
      });
    }
    connections.add(new FastConnection(socket, options, handOver, connections));
  });
  return {
    /** On shutdown: close idle connections now, busy ones after their answer. */
    closeIdle(): void {
      for (const c of connections) c.closeWhenIdle();
    },
    /** Connections the fast lane is serving now. */
    get open(): number {
      return connections.size;
    },
  };
}

class FastConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private busy = false;
  private closing = false;
  private gone = false;
  private headStartedAt = 0;
  private link: ClientLink | undefined;
  private readonly socket: Socket;
  private readonly options: FastLaneOptions;
  private readonly toNode: (socket: Socket) => void;
  private readonly registry: Set<FastConnection>;
  private readonly onData = (chunk: Buffer) => this.read(chunk);
  private readonly onTimeout = () => {
    if (this.busy) return;
    // A head that started and did not finish in time: 408 (Node's server answers the same way).
    if (this.headStartedAt && !this.gone) this.socket.end(REQUEST_TIMEOUT);
    this.socket.destroy();
  };
  private readonly onClose = () => {
    this.gone = true;
    this.registry.delete(this);
    this.link?.clientGone();
  };
  private readonly onError = () => {}; // 'close' follows
  /** The client half-closed: as Node's server does (no half-open HTTP), the request in flight is abandoned. */
  private readonly onEnd = () => {
    this.gone = true;
    this.link?.clientGone();
    this.socket.destroy();
  };

  constructor(
    socket: Socket,
    options: FastLaneOptions,
    toNode: (socket: Socket) => void,
    registry: Set<FastConnection>,
  ) {
    this.socket = socket;
    this.options = options;
    this.toNode = toNode;
    this.registry = registry;
    socket.setNoDelay(true);
    socket.setTimeout(options.idleTimeoutMs);
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    socket.on('end', this.onEnd);
  }

  closeWhenIdle(): void {
    this.closing = true;
    if (!this.busy && this.buffered.length === 0) this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (!this.busy) this.next();
  }

  private next(): void {
    while (!this.busy && !this.gone && this.buffered.length > 0) {
      if (this.closing || this.options.isClosing()) {
        this.handOver();
        return;
      }
      const head = readRequestHead(this.buffered);
      if (head.kind === 'incomplete') {
        this.headStartedAt ||= Date.now();
        const left = this.options.headersTimeoutMs - (Date.now() - this.headStartedAt);
        if (left <= 0) this.onTimeout();
        // The rest of the head must come within the headers timeout, not the (longer) idle one.
        else this.socket.setTimeout(left);
        return;
      }
      if (this.headStartedAt) {
        this.headStartedAt = 0;
        this.socket.setTimeout(this.options.idleTimeoutMs);
      }
      if (head.kind === 'unsupported') {
        this.handOver();
        return;
      }
      const link = new ClientLink();
      const response = new FastResponse(this.socket, {
        headRequest: head.method === 'HEAD',
        close: head.close,
        done: (keepOpen) => this.answered(keepOpen),
      });
      this.busy = true;
      this.link = link;
      if (!this.options.serve(head, this.socket.remoteAddress ?? '', response, link)) {
        this.busy = false;
        this.link = undefined;
        this.handOver();
        return;
      }
      this.buffered = this.buffered.subarray(head.length);
    }
  }

  private answered(keepOpen: boolean): void {
    this.busy = false;
    this.link = undefined;
    if (this.gone) return;
    if (!keepOpen || this.closing) {
      this.socket.end();
      return;
    }
    // The next pipelined request, if any, once this call stack has unwound.
    if (this.buffered.length > 0) queueMicrotask(() => this.next());
  }

  /** Node's server takes the connection from the next request on, with the bytes read so far. */
  private handOver(): void {
    const socket = this.socket;
    socket.removeListener('data', this.onData);
    socket.removeListener('timeout', this.onTimeout);
    socket.removeListener('close', this.onClose);
    socket.removeListener('error', this.onError);
    socket.removeListener('end', this.onEnd);
    socket.setTimeout(0);
    this.registry.delete(this);
    socket.pause();
    if (this.buffered.length > 0) socket.unshift(this.buffered);
    this.buffered = Buffer.alloc(0);
    this.toNode(socket);
    socket.resume();
  }
}

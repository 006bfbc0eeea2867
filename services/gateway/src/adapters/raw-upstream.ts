import { connect, type Socket } from 'node:net';
import { ChunkedBodyScanner } from '../domain/chunked-body.ts';
import { clientHeadersFromFlat } from '../domain/forward-headers.ts';
import { isFieldName, isFieldValue, messageBytes } from '../domain/http1-field.ts';
import { readResponseHead } from '../domain/http1-response-head.ts';
import { idleTimeoutMs, type KeepAlivePolicy } from '../domain/keep-alive.ts';
import type { FastResponse } from './fast-response.ts';
import type { ClientLink, Relay, RelayRequest } from '../domain/relay.ts';

const TARGET = /^\/[\x21-\x7e]*$/;

/** An error carrying the code the retry policy reads (the same codes undici uses). */
function failure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * The request as bytes in one buffer (every checked field is one byte per character), or an
 * error when a field could not be sent as it is.
 */
function serializeRequest(request: RelayRequest, host: string): Buffer | Error {
  if (!TARGET.test(request.path)) return failure('ERR_INVALID_REQUEST', 'request target cannot be sent');
  const { headers, method, path } = request;
  const body = request.body && request.body.length > 0 ? request.body : undefined;
  const requestLine = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (let i = 0; i < headers.length; i += 2) {
    if (!isFieldName(headers[i]!) || !isFieldValue(headers[i + 1]!)) {
      return failure('ERR_INVALID_REQUEST', `header ${JSON.stringify(headers[i])} cannot be sent`);
    }
  }
  const framing = body ? `content-length: ${body.length}\r\n\r\n` : '\r\n';
  return messageBytes(requestLine, headers, framing, body);
}

/**
 * The one buffer every upstream connection reads into. Reads are delivered one at a time on this
 * thread and each is consumed before the next, so one buffer serves them all: no buffer is
 * allocated per read (at load, freeing those was most of each young-generation GC pause), and
 * Node's stream machinery is skipped. What outlives a read's callback is copied out of it.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A keep-alive connection to one instance; its listeners are set once and route to the attempt using it. */
class UpstreamConnection {
  readonly socket: Socket;
  attempt: Attempt | undefined;
  connected = false;
  private readonly pool: UpstreamPool;

  constructor(pool: UpstreamPool, port: number, host: string) {
    this.pool = pool;
    this.socket = connect({
      port,
      host,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        // Reading goes on; backpressure pauses the socket instead (see Attempt.relay).
        callback: (length) => {
          this.read(READ_BUFFER.subarray(0, length));
          return true;
        },
      },
    });
    this.socket.on('connect', () => {
      this.connected = true;
      this.attempt?.onConnect();
    });
    this.socket.on('timeout', () => {
      if (this.attempt) this.attempt.onTimeout();
      else this.socket.destroy(); // idle too long
    });
    this.socket.on('end', () => this.attempt?.onEnd());
    this.socket.on('error', (error: Error) => this.attempt?.onError(error));
    this.socket.on('close', () => {
      this.pool.forget(this);
      this.attempt?.onError(failure('UND_ERR_SOCKET', 'the service closed the connection'));
    });
  }

  /** `chunk` is valid during this call only (it is the shared read buffer). */
  private read(chunk: Buffer): void {
    if (this.attempt) this.attempt.onData(chunk);
    else this.socket.destroy(); // bytes nobody asked for: the connection is no longer in step
  }
}

class UpstreamPool {
  private readonly idle: UpstreamConnection[] = [];
  private readonly port: number;
  private readonly host: string;
  readonly hostHeader: string;
  private readonly options: RawUpstreamOptions;
  private readonly keepAlive: KeepAlivePolicy;
  readonly connectTimeoutMs: number;

  constructor(origin: string, options: RawUpstreamOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs;
    const url = new URL(origin);
    if (url.protocol !== 'http:') throw new Error(`the fast lane reaches services over http only, not ${origin}`);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
    this.options = options;
    this.keepAlive = { defaultMs: options.idleTimeoutMs, maxMs: options.maxIdleTimeoutMs };
  }

  acquire(): { connection: UpstreamConnection; reused: boolean } {
    const reused = this.idle.pop();
    if (reused) return { connection: reused, reused: true };
    return { connection: new UpstreamConnection(this, this.port, this.host), reused: false };
  }

  /** `announcedS`: the idle timeout the service announced on its last answer, if any. */
  release(connection: UpstreamConnection, announcedS: number | undefined): void {
    connection.attempt = undefined;
    const idleMs = idleTimeoutMs(announcedS, this.keepAlive);
    if (idleMs === 0 || this.idle.length >= this.options.maxIdle) {
      connection.socket.destroy();
      return;
    }
    connection.socket.setTimeout(idleMs);
    this.idle.push(connection);
  }

  forget(connection: UpstreamConnection): void {
    const i = this.idle.indexOf(connection);
    if (i !== -1) this.idle.splice(i, 1);
  }

  close(): void {
    for (const c of this.idle.splice(0)) c.socket.destroy();
  }
}

/**
 * One attempt of one request: write it, read the head, relay the body as it is framed, then give
 * the connection back (or close it). Before any byte reached the client it rejects, so that the
 * proxy can retry elsewhere; once the answer has begun, a failure resets the client.
 */
class Attempt {
  private connection!: UpstreamConnection;
  private reused = false;
  private received = false;
  private headDone = false;
  private buffered: Buffer | undefined;
  private framing: 'none' | 'length' | 'chunked' | 'close' = 'none';
  private remaining = 0;
  private scanner: ChunkedBodyScanner | undefined;
  private reusable = true;
  private keepAliveTimeoutS: number | undefined;
  private status = 0;
  private settled = false;
  private readonly bytes: Buffer;
  private readonly pool: UpstreamPool;
  private readonly request: RelayRequest;
  private readonly res: FastResponse;
  private readonly resolve: (status: number) => void;
  private readonly reject: (error: Error) => void;

  constructor(
    pool: UpstreamPool,
    bytes: Buffer,
    request: RelayRequest,
    res: FastResponse,
    resolve: (status: number) => void,
    reject: (error: Error) => void,
  ) {
    this.pool = pool;
    this.bytes = bytes;
    this.request = request;
    this.res = res;
    this.resolve = resolve;
    this.reject = reject;
  }

  start(link: ClientLink): void {
    link.attach((error) => this.fail(error));
    if (!this.settled) this.send();
  }

  private send(): void {
    const { connection, reused } = this.pool.acquire();
    this.connection = connection;
    this.reused = reused;
    connection.attempt = this;
    if (connection.connected) this.write();
    else connection.socket.setTimeout(this.pool.connectTimeoutMs);
  }

  onConnect(): void {
    this.write();
  }

  private write(): void {
    this.connection.socket.setTimeout(this.request.timeoutMs);
    this.connection.socket.write(this.bytes);
  }

  /** `chunk` is borrowed: valid during this call only. */
  onData(chunk: Buffer): void {
    this.received = true;
    if (!this.headDone) {
      const buffer = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.buffered = undefined;
      this.readHead(buffer);
      return;
    }
    this.relay(chunk, 0);
  }

  private readHead(buffer: Buffer): void {
    const head = readResponseHead(buffer, this.request.method === 'HEAD');
    if (head.kind === 'incomplete') {
      this.buffered = Buffer.from(buffer); // kept past the read: a copy
      return;
    }
    if (head.kind === 'invalid' || head.status === 101) {
      this.fail(failure('UND_ERR_INVALID_RESPONSE', head.kind === 'invalid' ? head.reason : 'unexpected 101'));
      return;
    }
    if (head.status < 200) {
      // An interim answer (100, 103): the final one follows.
      if (buffer.length > head.length) this.readHead(buffer.subarray(head.length));
      return;
    }
    this.headDone = true;
    this.status = head.status;
    this.framing = head.framing;
    this.remaining = head.contentLength;
    if (head.close) this.reusable = false;
    this.keepAliveTimeoutS = head.keepAliveTimeoutS;
    if (head.framing === 'chunked') this.scanner = new ChunkedBodyScanner();
    this.request.onStatus(head.status);
    const keepLength = head.framing === 'length' || head.framing === 'none';
    this.res.startRelay(
      head.status,
      head.reason,
      clientHeadersFromFlat(head.headers, this.request.ownHeaders, keepLength),
      head.framing,
    );
    if (head.framing === 'none') {
      if (buffer.length > head.length) this.reusable = false;
      this.complete();
      return;
    }
    this.relay(buffer, head.length);
  }

  private relay(chunk: Buffer, offset: number): void {
    let take = chunk.length - offset;
    let ended = false;
    if (this.framing === 'length') {
      if (take >= this.remaining) {
        if (take > this.remaining) this.reusable = false; // more than announced: do not reuse
        take = this.remaining;
        ended = true;
      }
      this.remaining -= take;
    } else if (this.framing === 'chunked') {
      try {
        take = this.scanner!.scan(chunk, offset);
      } catch (error) {
        this.fail(failure('UND_ERR_INVALID_RESPONSE', (error as Error).message));
        return;
      }
      ended = this.scanner!.done;
      if (ended && offset + take < chunk.length) this.reusable = false;
    }
    if (take > 0) {
      const part = offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take);
      if (!this.res.relayBody(part) && !ended) {
        const socket = this.connection.socket;
        socket.pause();
        this.res.onDrain(() => socket.resume());
      }
    }
    if (ended) this.complete();
  }

  onEnd(): void {
    // A body delimited by the close is complete when the service ends it.
    if (this.headDone && this.framing === 'close') {
      this.reusable = false;
      this.complete();
    }
  }

  onTimeout(): void {
    if (!this.connection.connected) {
      this.fail(failure('UND_ERR_CONNECT_TIMEOUT', 'the service did not accept the connection in time'));
      return;
    }
    this.fail(
      this.headDone
        ? failure('UND_ERR_BODY_TIMEOUT', 'the service stopped sending the body')
        : failure('UND_ERR_HEADERS_TIMEOUT', 'the service did not answer in time'),
    );
  }

  onError(error: Error): void {
    if (this.settled) return;
    // A kept-alive connection the service closed meanwhile: send again on a new one.
    if (this.reused && !this.received) {
      this.connection.attempt = undefined;
      this.connection.socket.destroy();
      this.send();
      return;
    }
    this.fail(error);
  }

  private complete(): void {
    if (this.settled) return;
    this.settled = true;
    const { connection } = this;
    connection.socket.setTimeout(0);
    if (this.reusable) this.pool.release(connection, this.keepAliveTimeoutS);
    else {
      connection.attempt = undefined;
      connection.socket.destroy();
    }
    this.res.finishRelay();
    this.resolve(this.status);
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    if (this.connection) {
      this.connection.attempt = undefined;
      this.connection.socket.destroy();
    }
    if (!this.res.headersSent) {
      this.reject(error);
      return;
    }
    this.res.destroy();
    this.resolve(this.status);
  }
}

export interface RawUpstreamOptions {
  connectTimeoutMs: number;
  /** Idle connections kept per instance. */
  maxIdle: number;
  /** An idle connection is closed after this long when its service announced no timeout. */
  idleTimeoutMs: number;
  /** The longest an idle connection is kept, whatever its service announced. */
  maxIdleTimeoutMs: number;
}

/**
 * The fast lane's upstream client: keep-alive connections per instance, the request written in
 * one piece, the answer's head read strictly and its body relayed as the service framed it.
 */
export class RawUpstreamClient implements Relay<FastResponse> {
  private readonly pools = new Map<string, UpstreamPool>();
  private readonly options: RawUpstreamOptions;

  constructor(options: Partial<RawUpstreamOptions> = {}) {
    this.options = {
      connectTimeoutMs: options.connectTimeoutMs ?? 1000,
      maxIdle: options.maxIdle ?? 128,
      idleTimeoutMs: options.idleTimeoutMs ?? 4000,
      maxIdleTimeoutMs: options.maxIdleTimeoutMs ?? 60_000,
    };
  }

  relay(request: RelayRequest, res: FastResponse, link: ClientLink): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let pool = this.pools.get(request.origin);
      if (!pool) {
        pool = new UpstreamPool(request.origin, this.options);
        this.pools.set(request.origin, pool);
      }
      const bytes = serializeRequest(request, pool.hostHeader);
      if (bytes instanceof Error) {
        reject(bytes);
        return;
      }
      new Attempt(pool, bytes, request, res, resolve, reject).start(link);
    });
  }

  close(): void {
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}

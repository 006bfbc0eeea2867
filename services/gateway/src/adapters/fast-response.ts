import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FlatHeaders } from '../domain/forward-headers.ts';
import { messageBytes } from '../domain/http1-field.ts';
import type { BodyFraming } from '../domain/http1-response-head.ts';
import type { ResponseSink } from '../domain/relay.ts';

let dateSecond = 0;
let dateValue = '';
/** The Date header for answers the gateway makes itself, formatted once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(now).toUTCString();
  }
  return dateValue;
}

/** Body bytes up to this size are copied behind the head rather than written after it. */
const COPY_LIMIT = 16 * 1024;

/** A response head and the first body bytes after it, in one buffer: one write, no joined string. */
function headWithBody(status: number, reason: string, headers: FlatHeaders, extra: string, body?: Buffer): Buffer {
  return messageBytes(`HTTP/1.1 ${status} ${reason}\r\n`, headers, `${extra}\r\n`, body);
}

/** A head waiting for the first body bytes, to go out with them. */
type PendingHead = { status: number; reason: string; headers: FlatHeaders; extra: string };

/**
 * One answer written straight onto a fast-lane client socket as HTTP/1.1 bytes: either made by
 * the gateway (`writeHead` + `end`, for problems) or relayed from a service (`startRelay`,
 * `relayBody`, `finishRelay`), the head going out with the first body bytes in one write.
 * `done` tells the connection whether it may read the client's next request.
 */
export class FastResponse implements ResponseSink {
  /** Whether any byte of the answer reached the socket: until then, another answer may replace it. */
  headersSent = false;
  private finished = false;
  private pendingHead: PendingHead | undefined;
  private readonly socket: Socket;
  private readonly headRequest: boolean;
  private close: boolean;
  private readonly done: (keepOpen: boolean) => void;

  constructor(socket: Socket, options: { headRequest: boolean; close: boolean; done: (keepOpen: boolean) => void }) {
    this.socket = socket;
    this.headRequest = options.headRequest;
    this.close = options.close;
    this.done = options.done;
  }

  /** An answer of the gateway's own; its body follows in `end`. */
  writeHead(status: number, headers: FlatHeaders): void {
    this.pendingHead = {
      status,
      reason: STATUS_CODES[status] ?? 'Unknown',
      headers,
      extra: `date: ${httpDate()}\r\n${this.close ? 'connection: close\r\n' : ''}`,
    };
  }

  end(body?: string | Buffer): void {
    if (this.finished) return;
    const head = this.pendingHead;
    this.pendingHead = undefined;
    const bytes =
      body === undefined || this.headRequest ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
    if (head) this.send(head, bytes);
    else if (bytes) this.socket.write(bytes);
    this.headersSent = true;
    this.complete();
  }

  destroy(): void {
    if (this.finished) return;
    this.finished = true;
    this.socket.destroy();
    this.done(false);
  }

  /**
   * A service's answer begins. `headers` are what the client may see (hop-by-hop fields gone);
   * the framing is the gateway's: the length as the service gave it, chunks passed through as
   * they are, or a body that ends with the connection.
   */
  startRelay(status: number, reason: string, headers: FlatHeaders, framing: BodyFraming): void {
    let extra = '';
    if (framing === 'chunked') {
      extra = 'transfer-encoding: chunked\r\n';
    } else if (framing === 'close') {
      this.close = true;
    }
    if (this.close) extra += 'connection: close\r\n';
    this.pendingHead = { status, reason: reason || (STATUS_CODES[status] ?? 'Unknown'), headers, extra };
  }

  /**
   * Body bytes as the service framed them; false when the client is not keeping up. The chunk is
   * borrowed (the relay's read buffer, valid during this call only): what the socket keeps is a copy.
   */
  relayBody(chunk: Buffer): boolean {
    if (this.finished || this.headRequest) return true;
    const head = this.pendingHead;
    if (head === undefined) return this.socket.write(Buffer.from(chunk));
    this.pendingHead = undefined;
    return this.send(head, chunk);
  }

  finishRelay(): void {
    if (this.finished) return;
    if (this.pendingHead !== undefined) this.send(this.pendingHead);
    this.pendingHead = undefined;
    this.headersSent = true;
    this.complete();
  }

  /** The client may keep reading or writing: resumes the relay once the socket drained. */
  onDrain(resume: () => void): void {
    this.socket.once('drain', resume);
  }

  /**
   * The head with the first body bytes in one write: copied behind the head when small (most
   * answers), copied and written after it in the same corked write when large.
   */
  private send(head: PendingHead, body?: Buffer): boolean {
    this.headersSent = true;
    const inline = body !== undefined && body.length <= COPY_LIMIT;
    const bytes = headWithBody(head.status, head.reason, head.headers, head.extra, inline ? body : undefined);
    if (inline || body === undefined) return this.socket.write(bytes);
    this.socket.cork();
    this.socket.write(bytes);
    const ok = this.socket.write(Buffer.from(body));
    this.socket.uncork();
    return ok;
  }

  private complete(): void {
    this.finished = true;
    this.done(!this.close);
  }
}

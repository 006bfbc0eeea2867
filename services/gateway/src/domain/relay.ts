import type { FlatHeaders } from './forward-headers.ts';

/** Where an answer goes: Node's ServerResponse, or the fast lane's response on the raw socket. */
export interface ResponseSink {
  readonly headersSent: boolean;
  writeHead(status: number, headers: FlatHeaders): unknown;
  end(body?: string | Buffer): unknown;
  destroy(error?: Error): unknown;
}

export interface RelayRequest {
  origin: string;
  path: string;
  method: string;
  headers: FlatHeaders;
  body: Buffer | undefined;
  timeoutMs: number;
  /** The gateway's own response headers (request id, security, CORS); the service's win. */
  ownHeaders: FlatHeaders;
  /** Called with the service's status before anything is written to the client. */
  onStatus: (status: number) => void;
}

/**
 * Sends one attempt upstream and relays its answer into the sink; resolves with the status once
 * relayed. It rejects only while nothing has been written (the attempt may be retried); a
 * failure mid-body resets the client instead.
 */
export interface Relay<S extends ResponseSink> {
  relay(request: RelayRequest, sink: S, link: ClientLink): Promise<number>;
}

/** Raised into an upstream request when the client went away: nothing is relayed, nothing retried. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGoneError';
  }
}

/** One client request across its attempts: a client that goes away aborts the attempt in flight. */
export class ClientLink {
  gone = false;
  private abortAttempt: ((error: Error) => void) | undefined;

  /** The transport saw the client go before the answer was complete. */
  clientGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.abortAttempt?.(new ClientGoneError());
  }

  /** The attempt now in flight, to abort if the client goes. */
  attach(abort: (error: Error) => void): void {
    this.abortAttempt = abort;
    if (this.gone) abort(new ClientGoneError());
  }
}

import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { clientResponseHeaders } from '../domain/forward-headers.ts';
import type { ClientLink, Relay, RelayRequest } from '../domain/relay.ts';

/** Answers up to this size with a Content-Length are gathered and written to the client at once. */
const GATHER_LIMIT = 256 * 1024;

/**
 * Relays one upstream answer straight into the client response: headers as a flat list, small
 * bodies in one write, large or unsized ones streamed with backpressure. It rejects only while
 * nothing has been written (the attempt may be retried); a failure mid-body resets the client.
 */
class RelayHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private started = false;
  private gathered: Buffer[] | undefined;
  private readonly request: RelayRequest;
  private readonly res: ServerResponse;
  private readonly link: ClientLink;
  private readonly resolve: (status: number) => void;
  private readonly reject: (error: Error) => void;

  constructor(
    request: RelayRequest,
    res: ServerResponse,
    link: ClientLink,
    resolve: (status: number) => void,
    reject: (error: Error) => void,
  ) {
    this.request = request;
    this.res = res;
    this.link = link;
    this.resolve = resolve;
    this.reject = reject;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.link.attach((error) => controller.abort(error));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.request.onStatus(status);
    // Headers Node refuses to send count as a failed attempt (a 502 problem), not a reset.
    this.res.writeHead(status, clientResponseHeaders(headers, this.request.ownHeaders));
    this.started = true;
    const length = Number(headers['content-length']);
    if (length <= GATHER_LIMIT) this.gathered = [];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.gathered) {
      this.gathered.push(chunk);
      return;
    }
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    const gathered = this.gathered;
    if (!gathered || gathered.length === 0) this.res.end();
    else this.res.end(gathered.length === 1 ? gathered[0] : Buffer.concat(gathered));
    this.resolve(this.status);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.started) {
      this.reject(error);
      return;
    }
    this.res.destroy(error);
    this.resolve(this.status);
  }
}

/** Keep-alive connection pools to upstream instances, shared by all routes. */
export class UpstreamClient implements Relay<ServerResponse> {
  private readonly agent: Agent;

  constructor(options: { connectTimeoutMs?: number; connections?: number } = {}) {
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? 1000 },
      connections: options.connections ?? 128,
      keepAliveTimeout: 10_000,
      pipelining: 1,
    });
  }

  /** Sends the request and relays the answer into `res`; resolves with the status once relayed. */
  relay(request: RelayRequest, res: ServerResponse, link: ClientLink): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const handler = new RelayHandler(request, res, link, resolve, reject);
      try {
        this.agent.dispatch(
          {
            origin: request.origin,
            path: request.path,
            method: request.method as Dispatcher.HttpMethod,
            headers: request.headers,
            body: request.body && request.body.length > 0 ? request.body : null,
            headersTimeout: request.timeoutMs,
            bodyTimeout: request.timeoutMs,
          },
          handler,
        );
      } catch (error) {
        reject(error as Error);
      }
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

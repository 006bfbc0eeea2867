import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Small bodies arrive whole (one write to the client); large or unsized ones stream. */
  body: Readable | Buffer;
}

/** Answers up to this size with a Content-Length are read whole before relaying. */
const BUFFER_LIMIT = 256 * 1024;

/** Keep-alive connection pools to upstream instances, shared by all routes. */
export class UpstreamClient {
  private readonly agent: Agent;

  constructor(options: { connectTimeoutMs?: number; connections?: number } = {}) {
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? 1000 },
      connections: options.connections ?? 128,
      keepAliveTimeout: 10_000,
      pipelining: 1,
    });
  }

  async send(
    origin: string,
    path: string,
    method: string,
    headers: Record<string, string | string[]>,
    body: Buffer | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<UpstreamResponse> {
    const response = await request(`${origin}${path}`, {
      method: method as 'GET',
      headers,
      body: body && body.length > 0 ? body : null,
      dispatcher: this.agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(signal ? { signal } : {}),
    });
    const responseHeaders = response.headers as IncomingHttpHeaders;
    const length = Number(responseHeaders['content-length']);
    if (Number.isFinite(length) && length <= BUFFER_LIMIT) {
      return { status: response.statusCode, headers: responseHeaders, body: Buffer.from(await response.body.bytes()) };
    }
    return { status: response.statusCode, headers: responseHeaders, body: response.body };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

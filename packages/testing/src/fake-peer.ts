import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type LocalServer, listenLocally } from './local-server.ts';

/**
 * A stand-in for a peer service (not infrastructure): a subclass answers requests in `handle`;
 * `listen()` serves it on a free local port, `stop()` closes it with its connections.
 */
export abstract class FakePeer {
  #listening: LocalServer | undefined;

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void;

  async listen(): Promise<this> {
    this.#listening = await listenLocally(createServer((req, res) => this.handle(req, res)));
    return this;
  }

  get url(): string {
    return this.#listening?.url ?? 'http://127.0.0.1:0';
  }

  async stop(): Promise<void> {
    await this.#listening?.stop();
  }
}

/** Answers JSON: `application/json` for a 2xx status, `application/problem+json` otherwise. */
export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  const type = status >= 200 && status < 300 ? 'application/json' : 'application/problem+json';
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

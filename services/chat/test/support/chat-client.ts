import { CHAT_SUBPROTOCOL } from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import WebSocket from 'ws';

export type Frame = { type: string; seq?: number; [key: string]: unknown };

/** A phzzk.chat.v1 client for tests: records every frame and how the connection ended. */
export class ChatClient {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  closeReason = '';
  private nonce = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.frames.push(JSON.parse(data.toString()) as Frame);
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
    ws.on('error', () => {});
  }

  /** Opens a connection and waits for the welcome. */
  static async connect(
    baseUrl: string,
    channelId: string,
    options: { headers?: Record<string, string>; since?: number; protocols?: string[] } = {},
  ): Promise<ChatClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ws/chat/${channelId}${options.since === undefined ? '' : `?since=${options.since}`}`;
    const ws = new WebSocket(url, options.protocols ?? [CHAT_SUBPROTOCOL], {
      headers: options.headers ?? {},
      maxPayload: 64 * 1024 * 1024,
    });
    const client = new ChatClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () =>
          reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body })),
        );
      });
      ws.once('error', reject);
    });
    await client.next((f) => f.type === 'welcome');
    return client;
  }

  /** Tries to connect and returns the refusal (status, problem code). */
  static async refusal(
    baseUrl: string,
    path: string,
    options: { headers?: Record<string, string>; protocols?: string[] } = {},
  ): Promise<{ status: number; body: { code?: string } }> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, options.protocols ?? [CHAT_SUBPROTOCOL], {
      headers: options.headers ?? {},
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.terminate();
        reject(new Error('the connection was accepted'));
      });
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body ? JSON.parse(body) : {} }));
      });
      ws.once('error', () => {});
    });
  }

  get welcome(): Frame {
    const welcome = this.frames.find((f) => f.type === 'welcome');
    if (!welcome) throw new Error('no welcome yet');
    return welcome;
  }

  /** Channel events seen (history of the welcome included), in the order received. */
  events(): Frame[] {
    const out: Frame[] = [];
    for (const f of this.frames) {
      if (f.type === 'welcome') out.push(...(f.history as Frame[]));
      else if (typeof f.seq === 'number' && f.type !== 'ack') out.push(f);
    }
    return out;
  }

  seqs(): number[] {
    return this.events().map((e) => e.seq as number);
  }

  next(predicate: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    return waitFor(() => this.frames.find(predicate), { timeoutMs, intervalMs: 10, what: 'a chat frame' });
  }

  /** Sends a message and waits for its ack or error. */
  async send(text: string): Promise<Frame> {
    const nonce = `n${++this.nonce}`;
    this.ws.send(JSON.stringify({ type: 'send', text, nonce }));
    return this.next((f) => (f.type === 'ack' || f.type === 'error') && f.nonce === nonce);
  }

  raw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  closed(timeoutMs = 10_000): Promise<number> {
    return waitFor(() => this.closeCode, { timeoutMs, intervalMs: 10, what: 'the connection to close' });
  }

  close(): void {
    this.ws.close();
  }
}

import { connect, type Socket } from 'node:net';
import { percentile } from './results.ts';

export interface PacedRun {
  /** Requests per second actually completed. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  /** How many requests were sent later than due because every connection was busy. */
  late: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/**
 * One keep-alive connection sending a prepared GET and reading length-framed answers: the load
 * generator must cost far less than what it measures (a full HTTP client per request does not).
 * When the server closes it (nginx does after `keepalive_requests`), it reconnects and resends
 * what was in flight; the time that takes counts in that request's latency, as for any client.
 */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private onAnswer: ((status: number) => void) | undefined;
  private pending: Buffer | undefined;
  private socket!: Socket;
  private closing = false;
  private readonly port: number;
  private readonly onBroken: (error: Error) => void;
  readonly ready: Promise<void>;

  constructor(port: number, onBroken: (error: Error) => void) {
    this.port = port;
    this.onBroken = onBroken;
    this.ready = this.open();
  }

  private open(): Promise<void> {
    const socket = connect({ port: this.port, host: '127.0.0.1', noDelay: true });
    this.socket = socket;
    this.buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => this.read(chunk));
    socket.on('error', () => {}); // 'close' follows and decides
    socket.on('close', () => {
      if (this.closing || socket !== this.socket) return;
      // Closed by the server: resend what was in flight on a new connection.
      this.open().then(
        () => {
          if (this.pending) this.socket.write(this.pending);
        },
        (error: Error) => this.onBroken(error),
      );
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  send(request: Buffer, onAnswer: (status: number) => void): void {
    this.onAnswer = onAnswer;
    this.pending = request;
    this.socket.write(request);
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = CONTENT_LENGTH.exec(head);
    if (!length) {
      this.onBroken(new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    const done = this.onAnswer;
    this.onAnswer = undefined;
    this.pending = undefined;
    done?.(Number(head.slice(9, 12)));
  }
}

/**
 * Open-loop load at a fixed rate: request i is due at start + i/rate, and its latency is counted
 * from when it was due, not from when a connection was free, so queueing anywhere (load generator
 * included) shows in the percentiles instead of being hidden (coordinated omission). Unlike a
 * per-second rate cap, the requests are spread evenly over each second, not sent in a burst.
 */
export interface PacedLoadOptions {
  port: number;
  path: string;
  headers?: Record<string, string>;
  rate: number;
  durationS: number;
  connections?: number;
  /** Default GET. With `bodies`, request i sends bodies[i % bodies.length] as JSON. */
  method?: string;
  bodies?: string[];
}

export async function pacedLoad(options: PacedLoadOptions): Promise<PacedRun> {
  const { rate, durationS } = options;
  const headerLines = Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`);
  const head = `${options.method ?? 'GET'} ${options.path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${headerLines.join('')}`;
  const requests = options.bodies?.map((body) =>
    Buffer.from(`${head}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
  ) ?? [Buffer.from(`${head}\r\n`)];
  const total = Math.round(rate * durationS);
  const latencies = new Float64Array(total);
  let done = 0;
  let errors = 0;
  let non2xx = 0;
  let late = 0;
  const waiting: number[] = [];
  let fail: (error: Error) => void = () => {};
  const pool = Array.from(
    { length: options.connections ?? 64 },
    () => new Connection(options.port, (error) => fail(error)),
  );
  await Promise.all(pool.map((c) => c.ready));
  const idle = [...pool];
  const start = performance.now();
  const due = (i: number) => start + (i * 1000) / rate;

  try {
    await new Promise<void>((resolve, reject) => {
      fail = (error) => {
        errors++;
        reject(error);
      };
      const send = (connection: Connection, i: number) => {
        connection.send(requests[i % requests.length]!, (status) => {
          latencies[i] = performance.now() - due(i);
          if (status >= 300 || Number.isNaN(status)) non2xx++;
          if (++done === total) resolve();
          const next = waiting.shift();
          if (next === undefined) idle.push(connection);
          else send(connection, next);
        });
      };
      let next = 0;
      const tick = () => {
        const now = performance.now();
        while (next < total && due(next) <= now) {
          const connection = idle.pop();
          if (connection) send(connection, next);
          else {
            waiting.push(next);
            late++;
          }
          next++;
        }
        if (next < total) setTimeout(tick, Math.max(0, Math.min(1, due(next) - performance.now())));
      };
      tick();
    });
  } finally {
    for (const c of pool) c.close();
  }
  const elapsedS = (performance.now() - start) / 1000;
  const sorted = latencies.sort(); // a typed array sorts numerically, in place
  return {
    rps: total / elapsedS,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    errors,
    non2xx,
    late,
  };
}

// A small scriptable RTMP publisher for tests: it speaks through the library's own chunk writer
// and reader, so tests can send exactly what they mean (odd chunk sizes, extended timestamps,
// E-RTMP tags, garbage) and observe every message the server answers with.
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { type Amf0Value, encodeAmf0 } from '../../flv/index.ts';
import type { FlvTag } from '../../flv/tag.ts';
import { ChunkReader } from '../chunk-reader.ts';
import { ChunkWriter } from '../chunk-writer.ts';
import { type Command, decodeCommand } from '../commands.ts';
import {
  createClientC0C1,
  findServerDigest,
  GENUINE_FMS_KEY,
  GENUINE_FP_KEY,
  HANDSHAKE_SIZE,
  signResponse,
  verifyResponse,
} from '../handshake.ts';
import { MessageType, type RtmpMessage, setChunkSizeMessage } from '../messages.ts';

export type Received = RtmpMessage & { command?: Command };

export class TestRtmpClient {
  readonly socket: Socket;
  readonly writer = new ChunkWriter();
  readonly reader = new ChunkReader({ maxMessageLength: 0xffffff, maxPendingBytes: 64 << 20, maxChunkStreams: 1024 });
  readonly received: Received[] = [];
  readonly closed: Promise<void>;
  /** Complex handshake results (undefined for a simple handshake). */
  serverDigestValid: boolean | undefined;
  serverS2Valid: boolean | undefined;
  #waiters = new Set<() => void>();
  #isClosed = false;
  #txn = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.once('close', () => {
      this.#isClosed = true;
      this.#poke();
    });
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Opens a TCP connection; performs the handshake unless `handshake: false`. */
  static async open(
    port: number,
    options: { complex?: boolean; digestBase?: number; handshake?: boolean } = {},
  ): Promise<TestRtmpClient> {
    const socket = netConnect({ port, host: '127.0.0.1' });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new TestRtmpClient(socket);
    if (options.handshake !== false) await client.#handshake(options.complex ?? false, options.digestBase);
    return client;
  }

  async #handshake(complex: boolean, base?: number): Promise<void> {
    const { c0c1, digest } = createClientC0C1({ complex, ...(base === undefined ? {} : { base }) });
    const response = await new Promise<Buffer>((resolve, reject) => {
      // One data listener for the client's life: handshake bytes first, chunk stream after.
      let pending: Buffer | undefined = Buffer.alloc(0);
      const size = 1 + 2 * HANDSHAKE_SIZE;
      this.socket.on('data', (data: Buffer) => {
        if (pending) {
          pending = Buffer.concat([pending, data]);
          if (pending.length < size) return;
          const all = pending;
          pending = undefined;
          resolve(all.subarray(0, size));
          data = all.subarray(size);
        }
        this.#onChunks(data);
      });
      this.socket.once('close', () => reject(new Error('closed during handshake')));
      this.socket.write(c0c1);
    });
    const s1 = response.subarray(1, 1 + HANDSHAKE_SIZE);
    const s2 = response.subarray(1 + HANDSHAKE_SIZE);
    let c2: Buffer = Buffer.from(s1);
    if (complex && digest) {
      const server = findServerDigest(s1);
      this.serverDigestValid = server !== null;
      this.serverS2Valid = verifyResponse(s2, digest, GENUINE_FMS_KEY);
      if (server) {
        c2 = randomBytes(HANDSHAKE_SIZE);
        signResponse(c2, server.digest, GENUINE_FP_KEY);
      }
    }
    this.socket.write(c2);
  }

  #onChunks(data: Buffer): void {
    if (data.length === 0) return;
    this.reader.push(data);
    for (let m = this.reader.read(); m; m = this.reader.read()) {
      const r: Received = m;
      if (m.typeId === MessageType.CommandAmf0 || m.typeId === MessageType.CommandAmf3) r.command = decodeCommand(m);
      this.received.push(r);
    }
    this.#poke();
  }

  #poke(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Resolves with the first received message (from `from` on) matching, or rejects at the deadline. */
  waitFor(predicate: (m: Received) => boolean, timeoutMs = 5_000, from = 0): Promise<Received> {
    return new Promise((resolve, reject) => {
      let index = from;
      const check = () => {
        for (; index < this.received.length; index++) {
          const m = this.received[index]!;
          if (predicate(m)) {
            done();
            resolve(m);
            return;
          }
        }
        if (this.#isClosed) {
          done();
          reject(new Error('connection closed while waiting'));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a message`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  waitForCommand(name: string, timeoutMs?: number): Promise<Received> {
    return this.waitFor((m) => m.command?.name === name, timeoutMs);
  }

  /** Resolves when the server closes the connection, or rejects at the deadline. */
  async waitClosed(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.closed,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  send(message: RtmpMessage): void {
    if (!this.socket.destroyed) this.socket.write(this.writer.write(message));
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  setChunkSize(size: number): void {
    this.send(setChunkSizeMessage(size));
  }

  command(
    name: string,
    txn: number,
    object: Amf0Value,
    args: Amf0Value[] = [],
    streamId = 0,
    typeId: number = MessageType.CommandAmf0,
  ): void {
    let payload = encodeAmf0(name, txn, object, ...args);
    if (typeId === MessageType.CommandAmf3) payload = Buffer.concat([Buffer.of(0), payload]);
    this.send({ csid: streamId === 0 ? 3 : 8, typeId, streamId, timestamp: 0, payload });
  }

  async connectApp(app = 'live', extra: Record<string, Amf0Value> = {}, typeId?: number): Promise<Received> {
    const txn = this.#txn++;
    this.command(
      'connect',
      txn,
      { app, type: 'nonprivate', flashVer: 'FMLE/3.0 (compatible; test)', tcUrl: `rtmp://127.0.0.1/${app}`, ...extra },
      [],
      0,
      typeId,
    );
    return this.waitFor(
      (m) => m.command?.transactionId === txn && (m.command.name === '_result' || m.command.name === '_error'),
    );
  }

  async createStream(): Promise<number> {
    const txn = this.#txn++;
    this.command('releaseStream', this.#txn++, null, ['x']);
    this.command('createStream', txn, null);
    const result = await this.waitFor((m) => m.command?.name === '_result' && m.command.transactionId === txn);
    return result.command!.args[0] as number;
  }

  /** Sends publish and resolves with the onStatus code the server answers. */
  async publish(streamId: number, name: string, timeoutMs?: number): Promise<string> {
    const from = this.received.length;
    this.command('publish', 0, null, [name, 'live'], streamId);
    const status = await this.waitFor(
      (m) => m.command?.name === 'onStatus' && m.streamId === streamId,
      timeoutMs,
      from,
    );
    return String((status.command!.args[0] as Record<string, unknown>).code);
  }

  /** connect + createStream + publish. */
  async startPublish(app: string, name: string): Promise<{ streamId: number; code: string }> {
    await this.connectApp(app);
    const streamId = await this.createStream();
    return { streamId, code: await this.publish(streamId, name) };
  }

  /** Sends an FLV tag as the matching RTMP message (script tags wrapped in @setDataFrame). */
  sendTag(streamId: number, tag: Pick<FlvTag, 'type' | 'timestamp' | 'data'>): void {
    if (tag.type === 'script') {
      const payload = Buffer.concat([encodeAmf0('@setDataFrame'), tag.data]);
      this.send({ csid: 4, typeId: MessageType.DataAmf0, streamId, timestamp: tag.timestamp, payload });
    } else {
      const typeId = tag.type === 'audio' ? MessageType.Audio : MessageType.Video;
      this.send({
        csid: tag.type === 'audio' ? 4 : 6,
        typeId,
        streamId,
        timestamp: tag.timestamp >>> 0,
        payload: tag.data,
      });
    }
  }

  /** Ends a publish as encoders do: FCUnpublish, then deleteStream. */
  unpublish(streamId: number): void {
    this.command('FCUnpublish', 0, null, ['x'], streamId);
    this.command('deleteStream', 0, null, [streamId]);
  }

  close(): void {
    this.socket.destroy();
  }
}

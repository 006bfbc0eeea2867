import { connect, type Socket } from 'node:net';
import { encodeAmf0, type FlvTag } from '@phzzk/media/flv';
import {
  ChunkReader,
  ChunkWriter,
  createClientC0C1,
  decodeCommand,
  HANDSHAKE_SIZE,
  MessageType,
  type RtmpMessage,
  setChunkSizeMessage,
} from '@phzzk/media/rtmp';

type Received = RtmpMessage & { name?: string; txn?: number; args?: unknown[] };

/**
 * A minimal scripted RTMP publisher built on the library's chunk stream, for the cases a real
 * encoder does not tell us about: the exact onStatus code of a refused publish, and media we
 * choose tag by tag (a resolution change mid-stream).
 */
export class RtmpTestClient {
  private readonly socket: Socket;
  private readonly writer = new ChunkWriter();
  private readonly reader = new ChunkReader({
    maxMessageLength: 1 << 24,
    maxPendingBytes: 1 << 26,
    maxChunkStreams: 64,
  });
  private readonly received: Received[] = [];
  private readonly waiters = new Set<() => void>();
  private txn = 1;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.poke();
    });
  }

  static async open(port: number): Promise<RtmpTestClient> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RtmpTestClient(socket);
    await client.handshake();
    return client;
  }

  private handshake(): Promise<void> {
    const { c0c1 } = createClientC0C1({ complex: false });
    return new Promise((resolve, reject) => {
      let pending: Buffer | undefined = Buffer.alloc(0);
      const size = 1 + 2 * HANDSHAKE_SIZE;
      this.socket.on('data', (data: Buffer) => {
        if (pending) {
          pending = Buffer.concat([pending, data]);
          if (pending.length < size) return;
          const s1 = pending.subarray(1, 1 + HANDSHAKE_SIZE);
          data = pending.subarray(size);
          pending = undefined;
          this.socket.write(s1); // C2 echoes S1
          this.socket.write(this.writer.write(setChunkSizeMessage(4096)));
          resolve();
        }
        this.reader.push(data);
        for (let m = this.reader.read(); m; m = this.reader.read()) {
          const r: Received = m;
          if (m.typeId === MessageType.CommandAmf0) {
            const c = decodeCommand(m);
            Object.assign(r, { name: c.name, txn: c.transactionId, args: c.args });
          }
          this.received.push(r);
        }
        this.poke();
      });
      this.socket.once('close', () => reject(new Error('closed during handshake')));
      this.socket.write(c0c1);
    });
  }

  private poke(): void {
    for (const w of [...this.waiters]) w();
  }

  private waitFor(predicate: (m: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.find(predicate);
        if (found || this.closed) {
          this.waiters.delete(check);
          clearTimeout(timer);
          if (found) resolve(found);
          else reject(new Error('connection closed while waiting'));
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching RTMP message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private command(name: string, txn: number, object: unknown, args: unknown[] = [], streamId = 0): void {
    const payload = encodeAmf0(name, txn, object as never, ...(args as never[]));
    this.socket.write(
      this.writer.write({
        csid: streamId === 0 ? 3 : 8,
        typeId: MessageType.CommandAmf0,
        streamId,
        timestamp: 0,
        payload,
      }),
    );
  }

  /** connect + createStream + publish; resolves with the onStatus code (e.g. NetStream.Publish.BadName). */
  async publish(app: string, streamKey: string): Promise<{ code: string; streamId: number }> {
    const connectTxn = this.txn++;
    this.command('connect', connectTxn, { app, type: 'nonprivate', tcUrl: `rtmp://127.0.0.1/${app}` });
    await this.waitFor((m) => m.txn === connectTxn && m.name === '_result');
    const createTxn = this.txn++;
    this.command('createStream', createTxn, null);
    const created = await this.waitFor((m) => m.txn === createTxn && m.name === '_result');
    const streamId = created.args?.[0] as number;
    this.command('publish', 0, null, [streamKey, 'live'], streamId);
    const status = await this.waitFor((m) => m.name === 'onStatus' && m.streamId === streamId);
    return { code: String((status.args?.[0] as { code?: unknown } | undefined)?.code), streamId };
  }

  sendTag(streamId: number, tag: Pick<FlvTag, 'type' | 'timestamp' | 'data'>): void {
    const typeId =
      tag.type === 'audio' ? MessageType.Audio : tag.type === 'video' ? MessageType.Video : MessageType.DataAmf0;
    const payload = tag.type === 'script' ? Buffer.concat([encodeAmf0('@setDataFrame'), tag.data]) : tag.data;
    const csid = tag.type === 'video' ? 6 : tag.type === 'audio' ? 4 : 5;
    this.socket.write(this.writer.write({ csid, typeId, streamId, timestamp: tag.timestamp >>> 0, payload }));
  }

  unpublish(streamId: number): void {
    this.command('FCUnpublish', 0, null, ['x'], streamId);
    this.command('deleteStream', 0, null, [streamId]);
  }

  waitClosed(timeoutMs = 10_000): Promise<void> {
    return this.closed
      ? Promise.resolve()
      : this.waitFor(() => false, timeoutMs).then(
          () => undefined,
          (error: Error) => {
            if (!this.closed) throw error;
          },
        );
  }

  close(): void {
    this.socket.destroy();
  }
}

// RTMP chunk stream push parser (Adobe RTMP spec 1.0 §5.3). Feed arbitrary byte slices with
// push(); pull complete messages with read(). Pure: no I/O, no timers.
//
// Chunk-layer control messages (Set Chunk Size §5.4.1, Abort §5.4.2) are applied here, the moment
// they complete, because they change how the very next bytes parse; they are still returned so the
// caller can log them.
//
// Memory: a partial message grows with the bytes actually received (never preallocated from the
// announced length), and all partial messages plus unparsed input are capped by maxPendingBytes.
// That is why any spec-valid chunk size (1 .. 2^31-1) is accepted: the chunk size only says where
// the next header sits, it never sizes a buffer.
import { ByteQueue } from '../bytes/byte-queue.ts';
import { RtmpProtocolError } from './errors.ts';
import type { RtmpLimits } from './limits.ts';
import { MessageType, type RtmpMessage } from './messages.ts';

export type ChunkReaderLimits = Pick<RtmpLimits, 'maxMessageLength' | 'maxPendingBytes' | 'maxChunkStreams'>;

export const DEFAULT_CHUNK_SIZE = 128;
const MAX_CHUNK_SIZE = 0x7fffffff;
const EXTENDED = 0xffffff;
const INITIAL_CAPACITY = 64 * 1024;

/** Per chunk stream id state (§5.3.1.2: later headers inherit from the previous one). */
type ChunkStream = {
  csid: number;
  /** Absolute 32-bit timestamp of the current (or last) message. */
  timestamp: number;
  /** The last timestamp field: the delta of a type 1/2 header, the absolute value of a type 0. */
  timestampField: number;
  /** Whether the last type 0/1/2 header used the extended timestamp (§5.3.1.3). */
  extended: boolean;
  length: number;
  typeId: number;
  streamId: number;
  /** Payload of the message being assembled; null between messages. */
  buffer: Buffer | null;
  received: number;
  inProgress: boolean;
};

export class ChunkReader {
  readonly #limits: ChunkReaderLimits;
  readonly #queue = new ByteQueue();
  readonly #streams = new Map<number, ChunkStream>();
  #chunkSize = DEFAULT_CHUNK_SIZE;
  /** The chunk whose payload is being read, and how many payload bytes it still has. */
  #current: { stream: ChunkStream; remaining: number } | null = null;
  /** Bytes allocated for partial messages. */
  #pending = 0;

  constructor(limits: ChunkReaderLimits) {
    this.#limits = limits;
  }

  /** The peer's chunk size, as last set by a Set Chunk Size message. */
  get chunkSize(): number {
    return this.#chunkSize;
  }

  /** Unparsed input plus partial-message buffers. */
  get bufferedBytes(): number {
    return this.#queue.length + this.#pending;
  }

  push(data: Uint8Array): void {
    this.#queue.push(data);
    if (this.bufferedBytes > this.#limits.maxPendingBytes) {
      throw new RtmpProtocolError('pending-limit', `more than ${this.#limits.maxPendingBytes} bytes pending`);
    }
  }

  /** Takes whatever input is queued and not yet parsed (e.g. after a protocol switch). */
  takeUnparsed(): Buffer {
    return this.#queue.drain();
  }

  /** The next complete message, or null when more input is needed. Throws RtmpProtocolError. */
  read(): RtmpMessage | null {
    for (;;) {
      if (!this.#current) {
        const started = this.#readHeader();
        if (started === null) return null;
        if (started.stream.length === 0) return this.#complete(started.stream);
        this.#current = started;
      }
      const current = this.#current;
      const n = Math.min(current.remaining, this.#queue.length);
      if (n === 0) return null;
      const stream = current.stream;
      this.#ensureCapacity(stream, stream.received + n);
      this.#queue.readInto(stream.buffer!, stream.received, n);
      stream.received += n;
      current.remaining -= n;
      if (current.remaining > 0) return null;
      this.#current = null;
      if (stream.received === stream.length) return this.#complete(stream);
    }
  }

  #readHeader(): { stream: ChunkStream; remaining: number } | null {
    const q = this.#queue;
    if (q.length < 1) return null;
    // Basic header (§5.3.1.1): 1, 2 or 3 bytes.
    const first = q.at(0);
    const fmt = first >> 6;
    let csid = first & 0x3f;
    let offset = 1;
    if (csid === 0) {
      if (q.length < 2) return null;
      csid = 64 + q.at(1);
      offset = 2;
    } else if (csid === 1) {
      if (q.length < 3) return null;
      csid = 64 + q.at(1) + q.at(2) * 256;
      offset = 3;
    }
    // Message header (§5.3.1.2): 11, 7, 3 or 0 bytes.
    const headerSize = fmt === 0 ? 11 : fmt === 1 ? 7 : fmt === 2 ? 3 : 0;
    if (q.length < offset + headerSize) return null;
    let stream = this.#streams.get(csid);
    if (!stream && fmt !== 0) {
      throw new RtmpProtocolError('chunk-header', `first chunk on chunk stream ${csid} has type ${fmt}, not 0`);
    }
    let field = 0;
    let length = 0;
    let typeId = 0;
    let streamId = 0;
    if (fmt <= 2) field = q.uintBE(offset, 3);
    if (fmt <= 1) {
      length = q.uintBE(offset + 3, 3);
      typeId = q.at(offset + 6);
    }
    if (fmt === 0) {
      // Message stream id is little-endian (§5.3.1.2.1), the one exception in the protocol.
      streamId =
        (q.at(offset + 7) | (q.at(offset + 8) << 8) | (q.at(offset + 9) << 16) | (q.at(offset + 10) << 24)) >>> 0;
    }
    offset += headerSize;
    let extended: boolean;
    if (fmt <= 2) {
      extended = field === EXTENDED;
      if (extended) {
        if (q.length < offset + 4) return null;
        field = q.uintBE(offset, 4);
        offset += 4;
      }
    } else {
      extended = stream!.extended;
      // §5.3.1.3: a type 3 chunk repeats the extended field of its stream's last type 0/1/2
      // header. Some older encoders omit it; like SRS, accept the 4 bytes only if they match.
      if (extended) {
        if (q.length < offset + 4) return null;
        if (q.uintBE(offset, 4) === stream!.timestampField) offset += 4;
      }
    }

    if (!stream) {
      if (this.#streams.size >= this.#limits.maxChunkStreams) {
        throw new RtmpProtocolError('chunk-streams', `more than ${this.#limits.maxChunkStreams} chunk streams`);
      }
      stream = {
        csid,
        timestamp: 0,
        timestampField: 0,
        extended: false,
        length: 0,
        typeId: 0,
        streamId: 0,
        buffer: null,
        received: 0,
        inProgress: false,
      };
      this.#streams.set(csid, stream);
    }
    if (fmt !== 3 && stream.inProgress) {
      // A new header before the previous message completed: the sender gave up on that message
      // (ffmpeg reads it the same way). Drop the fragment and start over.
      this.#discard(stream);
    }
    const newMessage = !stream.inProgress;
    if (fmt === 0) {
      stream.timestamp = field;
      stream.timestampField = field;
      stream.streamId = streamId;
    } else if (fmt <= 2) {
      stream.timestamp = (stream.timestamp + field) % 2 ** 32;
      stream.timestampField = field;
    } else if (newMessage) {
      // §5.3.1.2.4: a type 3 chunk starting a message reuses the previous timestamp field.
      stream.timestamp = (stream.timestamp + stream.timestampField) % 2 ** 32;
    }
    if (fmt <= 1) {
      stream.length = length;
      stream.typeId = typeId;
    }
    if (fmt <= 2) stream.extended = extended;
    if (newMessage && stream.length > this.#limits.maxMessageLength) {
      throw new RtmpProtocolError(
        'message-too-large',
        `message of ${stream.length} bytes on chunk stream ${csid} exceeds ${this.#limits.maxMessageLength}`,
      );
    }
    q.skip(offset);
    if (newMessage) {
      stream.received = 0;
      stream.inProgress = stream.length > 0;
    }
    return { stream, remaining: Math.min(this.#chunkSize, stream.length - stream.received) };
  }

  /** Grows the stream's buffer geometrically up to the message length, within maxPendingBytes. */
  #ensureCapacity(stream: ChunkStream, needed: number): void {
    const current = stream.buffer?.length ?? 0;
    if (current >= needed) return;
    const capacity = Math.min(stream.length, Math.max(needed, current * 2, INITIAL_CAPACITY));
    if (this.#queue.length + this.#pending + (capacity - current) > this.#limits.maxPendingBytes) {
      throw new RtmpProtocolError('pending-limit', `more than ${this.#limits.maxPendingBytes} bytes pending`);
    }
    const buffer = Buffer.allocUnsafe(capacity);
    if (stream.buffer) stream.buffer.copy(buffer, 0, 0, stream.received);
    this.#pending += capacity - current;
    stream.buffer = buffer;
  }

  #discard(stream: ChunkStream): void {
    this.#pending -= stream.buffer?.length ?? 0;
    stream.buffer = null;
    stream.received = 0;
    stream.inProgress = false;
  }

  #complete(stream: ChunkStream): RtmpMessage {
    const payload = stream.buffer ?? Buffer.alloc(0);
    this.#pending -= stream.buffer?.length ?? 0;
    stream.buffer = null;
    stream.received = 0;
    stream.inProgress = false;
    const message: RtmpMessage = {
      csid: stream.csid,
      typeId: stream.typeId,
      streamId: stream.streamId,
      timestamp: stream.timestamp,
      payload,
    };
    if (message.typeId === MessageType.SetChunkSize) this.#applyChunkSize(payload);
    else if (message.typeId === MessageType.Abort && payload.length >= 4) {
      const aborted = this.#streams.get(payload.readUInt32BE(0));
      if (aborted?.inProgress) this.#discard(aborted);
    }
    return message;
  }

  #applyChunkSize(payload: Buffer): void {
    if (payload.length < 4) throw new RtmpProtocolError('chunk-size', 'Set Chunk Size shorter than 4 bytes');
    const size = payload.readUInt32BE(0);
    // §5.4.1: the top bit must be zero and the size at least 1.
    if (size === 0 || size > MAX_CHUNK_SIZE) {
      throw new RtmpProtocolError('chunk-size', `invalid chunk size ${size}`);
    }
    this.#chunkSize = size;
  }
}

// RTMP chunk stream serializer (Adobe RTMP spec 1.0 §5.3): splits messages into chunks and
// compresses headers per chunk stream (type 0 -> 1 -> 2 -> 3 as fields repeat).
import { RtmpProtocolError } from './errors.ts';
import { MessageType, type RtmpMessage } from './messages.ts';

const EXTENDED = 0xffffff;

type Previous = { streamId: number; length: number; typeId: number; timestamp: number; delta: number | undefined };

export class ChunkWriter {
  #chunkSize = 128;
  readonly #previous = new Map<number, Previous>();

  get chunkSize(): number {
    return this.#chunkSize;
  }

  /** Serializes a message into one buffer. A Set Chunk Size message applies to what follows it. */
  write(message: RtmpMessage): Buffer {
    return Buffer.concat(this.chunks(message));
  }

  /** The message's chunks, one buffer each (tests interleave them across chunk streams). */
  chunks(message: RtmpMessage): Buffer[] {
    const { csid, typeId, streamId, payload } = message;
    const timestamp = message.timestamp >>> 0;
    if (csid < 2 || csid > 65599) throw new RtmpProtocolError('csid', `chunk stream id ${csid} out of range`);
    if (payload.length > 0xffffff) throw new RtmpProtocolError('message-too-large', 'message exceeds 16 MiB - 1');
    const prev = this.#previous.get(csid);
    let fmt: number;
    let field: number;
    if (!prev || prev.streamId !== streamId || timestamp < prev.timestamp) {
      fmt = 0;
      field = timestamp;
    } else {
      field = timestamp - prev.timestamp;
      if (prev.length !== payload.length || prev.typeId !== typeId) fmt = 1;
      // Type 3 for a new message only after a type 1/2 header with the same delta: readers
      // disagree on what a type 3 after a type 0 means, so we never send that.
      else fmt = prev.delta === field ? 3 : 2;
    }
    this.#previous.set(csid, {
      streamId,
      length: payload.length,
      typeId,
      timestamp,
      delta: fmt === 0 ? undefined : field,
    });

    const basic = basicHeader(csid);
    const extended = field >= EXTENDED;
    const chunks: Buffer[] = [];
    const headerSize = fmt === 0 ? 11 : fmt === 1 ? 7 : fmt === 2 ? 3 : 0;
    const first = Buffer.allocUnsafe(basic.length + headerSize + (extended ? 4 : 0));
    basic.copy(first);
    first[0] = (fmt << 6) | (first[0]! & 0x3f);
    let o = basic.length;
    if (fmt <= 2) {
      first.writeUIntBE(extended ? EXTENDED : field, o, 3);
      o += 3;
    }
    if (fmt <= 1) {
      first.writeUIntBE(payload.length, o, 3);
      first[o + 3] = typeId;
      o += 4;
    }
    if (fmt === 0) {
      first.writeUInt32LE(streamId >>> 0, o);
      o += 4;
    }
    if (extended) first.writeUInt32BE(field, o);

    // Continuation chunks: type 3, repeating the extended timestamp when there is one (§5.3.1.3).
    const continuation = Buffer.allocUnsafe(basic.length + (extended ? 4 : 0));
    basic.copy(continuation);
    continuation[0] = 0xc0 | (continuation[0]! & 0x3f);
    if (extended) continuation.writeUInt32BE(field, basic.length);

    const size = this.#chunkSize;
    if (payload.length === 0) chunks.push(first);
    for (let offset = 0; offset < payload.length; offset += size) {
      const body = payload.subarray(offset, offset + size);
      chunks.push(Buffer.concat([offset === 0 ? first : continuation, body]));
    }
    if (typeId === MessageType.SetChunkSize && payload.length >= 4) {
      const next = payload.readUInt32BE(0) & 0x7fffffff;
      if (next > 0) this.#chunkSize = next;
    }
    return chunks;
  }
}

function basicHeader(csid: number): Buffer {
  // §5.3.1.1: ids 2-63 in one byte, 64-319 in two, up to 65599 in three.
  if (csid < 64) return Buffer.of(csid);
  if (csid < 320) return Buffer.of(0, csid - 64);
  return Buffer.of(1, (csid - 64) & 0xff, (csid - 64) >> 8);
}

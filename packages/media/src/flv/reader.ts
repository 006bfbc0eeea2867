// FLV push parser (FLV spec v10.1 Annex E): feed arbitrary slices, pull header and tags.
import { ByteQueue } from '../bytes/byte-queue.ts';
import { FlvFormatError } from './errors.ts';
import { FLV_TAG_HEADER_SIZE, type FlvTag, tagKind } from './tag.ts';
import { classifyTag } from './tag-flags.ts';

export type FlvHeader = { version: number; hasAudio: boolean; hasVideo: boolean };

export type FlvReaderOptions = {
  /** Largest tag body accepted (default: the format maximum, 16 MiB - 1). */
  maxTagSize?: number;
  /** Verify each PreviousTagSize (default false: many writers get it wrong, and it is redundant). */
  strict?: boolean;
  /** Skip tags of unknown type instead of failing (default true). */
  skipUnknown?: boolean;
};

export class FlvReader {
  readonly #queue = new ByteQueue();
  readonly #maxTagSize: number;
  readonly #strict: boolean;
  readonly #skipUnknown: boolean;
  #header: FlvHeader | undefined;
  #lastTagSize = 0;

  constructor(options: FlvReaderOptions = {}) {
    this.#maxTagSize = options.maxTagSize ?? 0xffffff;
    this.#strict = options.strict ?? false;
    this.#skipUnknown = options.skipUnknown ?? true;
  }

  get header(): FlvHeader | undefined {
    return this.#header;
  }

  /** Bytes received but not yet parsed. */
  get buffered(): number {
    return this.#queue.length;
  }

  push(chunk: Uint8Array): void {
    this.#queue.push(chunk);
  }

  /** The next complete tag, or null when more bytes are needed. Throws FlvFormatError. */
  read(): FlvTag | null {
    const q = this.#queue;
    if (!this.#header) {
      if (q.length < 9) return null;
      if (q.at(0) !== 0x46 || q.at(1) !== 0x4c || q.at(2) !== 0x56) throw new FlvFormatError('not an FLV stream');
      const dataOffset = q.uintBE(5, 4);
      if (dataOffset < 9 || dataOffset > 1024) throw new FlvFormatError(`bad FLV header size ${dataOffset}`);
      if (q.length < dataOffset + 4) return null;
      const flags = q.at(4);
      this.#header = { version: q.at(3), hasAudio: (flags & 0x04) !== 0, hasVideo: (flags & 0x01) !== 0 };
      q.skip(dataOffset);
      this.#expectPreviousTagSize(q.uintBE(0, 4));
      q.skip(4);
    }
    for (;;) {
      if (q.length < FLV_TAG_HEADER_SIZE) return null;
      const typeByte = q.at(0);
      const size = q.uintBE(1, 3);
      if (size > this.#maxTagSize) throw new FlvFormatError(`FLV tag of ${size} bytes exceeds the limit`);
      if (q.length < FLV_TAG_HEADER_SIZE + size + 4) return null;
      if (typeByte & 0x20) throw new FlvFormatError('encrypted FLV tags are not supported');
      const timestamp = (q.uintBE(4, 3) | (q.at(7) << 24)) >>> 0;
      const kind = tagKind(typeByte & 0x1f);
      q.skip(FLV_TAG_HEADER_SIZE);
      const data = Buffer.from(q.read(size)); // own copy: the input slices may be reused
      this.#lastTagSize = FLV_TAG_HEADER_SIZE + size;
      this.#expectPreviousTagSize(q.uintBE(0, 4));
      q.skip(4);
      if (kind) return classifyTag(kind, timestamp, data);
      if (!this.#skipUnknown) throw new FlvFormatError(`unknown FLV tag type ${typeByte & 0x1f}`);
    }
  }

  #expectPreviousTagSize(value: number): void {
    if (this.#strict && value !== this.#lastTagSize) {
      throw new FlvFormatError(`PreviousTagSize ${value}, expected ${this.#lastTagSize}`);
    }
  }
}

/** Parses a whole FLV file held in memory. */
export function parseFlv(data: Uint8Array, options: FlvReaderOptions = {}): { header: FlvHeader; tags: FlvTag[] } {
  const reader = new FlvReader(options);
  reader.push(data);
  const tags: FlvTag[] = [];
  for (let tag = reader.read(); tag; tag = reader.read()) tags.push(tag);
  if (!reader.header) throw new FlvFormatError('truncated FLV header');
  if (reader.buffered > 0) throw new FlvFormatError(`${reader.buffered} trailing bytes (truncated tag)`);
  return { header: reader.header, tags };
}

// Small, pure ISO BMFF (ISO/IEC 14496-12) reading helpers. Everything works on a Uint8Array plus
// offsets so nested boxes are read in place without copying.
import { Fmp4Error, Fmp4ErrorCode } from './errors.ts';

export type BoxHeader = {
  type: string;
  /** Total box size including the header; undefined for size==0 ("extends to the end of the file"). */
  size: number | undefined;
  /** 8, 16 with a 64-bit largesize, +16 for a 'uuid' extended type. */
  headerSize: number;
};

/** A box located in a buffer: payload is [start + headerSize, end). */
export type Box = { type: string; start: number; headerSize: number; end: number };

export function fourcc(buf: Uint8Array, offset: number): string {
  return String.fromCharCode(buf[offset]!, buf[offset + 1]!, buf[offset + 2]!, buf[offset + 3]!);
}

function u32(buf: Uint8Array, offset: number): number {
  return ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
}

/** 64-bit big-endian as a number; values above 2^53 cannot be represented exactly, so they are refused. */
function u64(buf: Uint8Array, offset: number): number {
  const hi = u32(buf, offset);
  const lo = u32(buf, offset + 4);
  if (hi >= 0x200000) throw new Fmp4Error(Fmp4ErrorCode.Malformed, '64-bit value exceeds 2^53');
  return hi * 0x100000000 + lo;
}

/**
 * Reads a box header at `offset`. Returns undefined when fewer bytes than the header needs are
 * available before `end` (a streaming caller waits for more). §4.2: size==1 means a 64-bit
 * largesize follows the type; size==0 means the box runs to the end of the file.
 */
export function readBoxHeader(buf: Uint8Array, offset = 0, end = buf.length): BoxHeader | undefined {
  if (end - offset < 8) return undefined;
  const size32 = u32(buf, offset);
  const type = fourcc(buf, offset + 4);
  let headerSize = 8;
  let size: number | undefined = size32;
  if (size32 === 1) {
    if (end - offset < 16) return undefined;
    size = u64(buf, offset + 8);
    headerSize = 16;
  } else if (size32 === 0) {
    size = undefined;
  }
  if (type === 'uuid') {
    if (end - offset < headerSize + 16) return undefined;
    headerSize += 16;
  }
  if (size !== undefined && size < headerSize) {
    throw new Fmp4Error(
      Fmp4ErrorCode.InvalidBox,
      `box '${printable(type)}' declares size ${size} < header ${headerSize}`,
    );
  }
  return { type, size, headerSize };
}

export function printable(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? type : JSON.stringify(type);
}

/** Iterates the boxes laid end to end in [start, end); throws if one overruns the range. */
export function* childBoxes(buf: Uint8Array, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset < end) {
    const header = readBoxHeader(buf, offset, end);
    if (!header) throw new Fmp4Error(Fmp4ErrorCode.Malformed, `truncated box header at ${offset}`);
    const boxEnd = header.size === undefined ? end : offset + header.size;
    if (boxEnd > end) {
      throw new Fmp4Error(Fmp4ErrorCode.Malformed, `box '${printable(header.type)}' overruns its parent`);
    }
    yield { type: header.type, start: offset, headerSize: header.headerSize, end: boxEnd };
    offset = boxEnd;
  }
}

/** The first child of `parent` with the given type. */
export function findChild(buf: Uint8Array, parent: Box, type: string): Box | undefined {
  for (const box of childBoxes(buf, parent.start + parent.headerSize, parent.end)) {
    if (box.type === type) return box;
  }
  return undefined;
}

export function findChildren(buf: Uint8Array, parent: Box, type: string): Box[] {
  const out: Box[] = [];
  for (const box of childBoxes(buf, parent.start + parent.headerSize, parent.end)) {
    if (box.type === type) out.push(box);
  }
  return out;
}

/** Follows a path of box types below `parent`, e.g. ['mdia', 'minf', 'stbl']. */
export function findPath(buf: Uint8Array, parent: Box, path: readonly string[]): Box | undefined {
  let box: Box | undefined = parent;
  for (const type of path) {
    if (!box) return undefined;
    box = findChild(buf, box, type);
  }
  return box;
}

/** The whole buffer viewed as one box (when `buf` holds exactly one top-level box). */
export function rootBox(buf: Uint8Array): Box {
  const header = readBoxHeader(buf, 0, buf.length);
  if (!header) throw new Fmp4Error(Fmp4ErrorCode.Malformed, 'buffer too short for a box header');
  const end = header.size ?? buf.length;
  if (end > buf.length) throw new Fmp4Error(Fmp4ErrorCode.Malformed, `box '${printable(header.type)}' is truncated`);
  return { type: header.type, start: 0, headerSize: header.headerSize, end };
}

/** Bounds-checked big-endian cursor over [start, end); reading past the end throws MALFORMED. */
export class ByteReader {
  readonly buf: Uint8Array;
  readonly end: number;
  offset: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.offset = start;
    this.end = end;
  }

  static payload(buf: Uint8Array, box: Box): ByteReader {
    return new ByteReader(buf, box.start + box.headerSize, box.end);
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  #need(n: number): number {
    if (this.offset + n > this.end) {
      throw new Fmp4Error(Fmp4ErrorCode.Malformed, `read of ${n} bytes past the end of a box`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    return this.buf[this.#need(1)]!;
  }
  u16(): number {
    const at = this.#need(2);
    return (this.buf[at]! << 8) | this.buf[at + 1]!;
  }
  u24(): number {
    const at = this.#need(3);
    return (this.buf[at]! << 16) | (this.buf[at + 1]! << 8) | this.buf[at + 2]!;
  }
  u32(): number {
    return u32(this.buf, this.#need(4));
  }
  i32(): number {
    return u32(this.buf, this.#need(4)) | 0;
  }
  u64(): number {
    return u64(this.buf, this.#need(8));
  }
  fourcc(): string {
    return fourcc(this.buf, this.#need(4));
  }
  skip(n: number): void {
    this.#need(n);
  }
  bytes(n: number): Uint8Array {
    const at = this.#need(n);
    return this.buf.subarray(at, at + n);
  }
  /** §4.2 FullBox: 8-bit version and 24-bit flags. */
  fullBox(): { version: number; flags: number } {
    const version = this.u8();
    return { version, flags: this.u24() };
  }
}

// AMF0 (Adobe "Action Message Format -- AMF 0", 2007), the encoding of RTMP commands and FLV
// script data. Decoding is defensive: every read is bounds-checked, nesting is limited, and keys
// are defined as own properties so a peer-sent "__proto__" key cannot touch a prototype.
import { type Amf0Object, type Amf0Value, defineProperty, ecmaArray, isEcmaArray } from './amf-value.ts';
import { readAmf3Value } from './amf3.ts';
import { AmfError } from './errors.ts';

export const Amf0Marker = {
  Number: 0x00,
  Boolean: 0x01,
  String: 0x02,
  Object: 0x03,
  MovieClip: 0x04,
  Null: 0x05,
  Undefined: 0x06,
  Reference: 0x07,
  EcmaArray: 0x08,
  ObjectEnd: 0x09,
  StrictArray: 0x0a,
  Date: 0x0b,
  LongString: 0x0c,
  Unsupported: 0x0d,
  RecordSet: 0x0e,
  XmlDocument: 0x0f,
  TypedObject: 0x10,
  AvmPlusObject: 0x11,
} as const;

const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------------------------
// Decoding

/** Sequential AMF0 reader over one message body. */
export class Amf0Reader {
  readonly #data: Buffer;
  #offset: number;
  /** §2.9: complex values (object, ECMA array, strict array, typed object) in order of appearance. */
  readonly #references: Amf0Value[] = [];

  constructor(data: Uint8Array, offset = 0) {
    this.#data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.#offset = offset;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#data.length - this.#offset;
  }

  readValue(): Amf0Value {
    return this.#value(0);
  }

  /** Reads values until the end of the body. */
  readAll(): Amf0Value[] {
    const values: Amf0Value[] = [];
    while (this.remaining > 0) values.push(this.readValue());
    return values;
  }

  #need(n: number): void {
    if (this.#offset + n > this.#data.length) {
      throw new AmfError(`AMF0: truncated at offset ${this.#offset} (need ${n} bytes)`);
    }
  }

  #u8(): number {
    this.#need(1);
    return this.#data[this.#offset++]!;
  }

  #u16(): number {
    this.#need(2);
    const v = this.#data.readUInt16BE(this.#offset);
    this.#offset += 2;
    return v;
  }

  #u32(): number {
    this.#need(4);
    const v = this.#data.readUInt32BE(this.#offset);
    this.#offset += 4;
    return v;
  }

  #double(): number {
    this.#need(8);
    const v = this.#data.readDoubleBE(this.#offset);
    this.#offset += 8;
    return v;
  }

  #utf8(length: number): string {
    this.#need(length);
    const s = this.#data.toString('utf8', this.#offset, this.#offset + length);
    this.#offset += length;
    return s;
  }

  #value(depth: number): Amf0Value {
    if (depth > MAX_DEPTH) throw new AmfError('AMF0: nesting too deep');
    const marker = this.#u8();
    switch (marker) {
      case Amf0Marker.Number:
        return this.#double();
      case Amf0Marker.Boolean:
        return this.#u8() !== 0;
      case Amf0Marker.String:
        return this.#utf8(this.#u16());
      case Amf0Marker.LongString:
      case Amf0Marker.XmlDocument:
        return this.#utf8(this.#u32());
      case Amf0Marker.Null:
        return null;
      case Amf0Marker.Undefined:
      case Amf0Marker.Unsupported:
        return undefined;
      case Amf0Marker.Object:
        return this.#properties({}, depth);
      case Amf0Marker.TypedObject:
        this.#utf8(this.#u16()); // class name: not representable in plain JS values, dropped
        return this.#properties({}, depth);
      case Amf0Marker.EcmaArray:
        this.#u32(); // associative count is advisory (§2.10); the end marker terminates
        return this.#properties(ecmaArray({}), depth);
      case Amf0Marker.StrictArray: {
        const count = this.#u32();
        // Each value takes at least one byte: refuse counts the body cannot hold before allocating.
        if (count > this.remaining) throw new AmfError(`AMF0: strict array count ${count} exceeds body`);
        const array: Amf0Value[] = [];
        this.#references.push(array);
        for (let i = 0; i < count; i++) array.push(this.#value(depth + 1));
        return array;
      }
      case Amf0Marker.Date: {
        const ms = this.#double();
        this.#u16(); // time zone: reserved, "should be 0x0000" (§2.13)
        return new Date(ms);
      }
      case Amf0Marker.Reference: {
        const index = this.#u16();
        if (index >= this.#references.length) throw new AmfError(`AMF0: bad reference ${index}`);
        return this.#references[index];
      }
      case Amf0Marker.AvmPlusObject: {
        // §3.1: switch to AMF3 for exactly one value (Flash clients with objectEncoding 3).
        const { value, offset } = readAmf3Value(this.#data, this.#offset);
        this.#offset = offset;
        return value;
      }
      default:
        throw new AmfError(`AMF0: unsupported marker 0x${marker.toString(16)} at offset ${this.#offset - 1}`);
    }
  }

  #properties(target: Amf0Object, depth: number): Amf0Object {
    this.#references.push(target);
    for (;;) {
      // Tolerate a body that ends where a key is due: some encoders omit the final end marker.
      if (this.remaining < 2) {
        this.#offset = this.#data.length;
        return target;
      }
      const key = this.#utf8(this.#u16());
      if (key === '' && this.remaining > 0 && this.#data[this.#offset] === Amf0Marker.ObjectEnd) {
        this.#offset++;
        return target;
      }
      defineProperty(target, key, this.#value(depth + 1));
    }
  }
}

/** Decodes every AMF0 value in `data`. */
export function decodeAmf0(data: Uint8Array): Amf0Value[] {
  return new Amf0Reader(data).readAll();
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Encodes values back to back (an RTMP command or FLV script body is such a sequence). */
export function encodeAmf0(...values: Amf0Value[]): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) writeValue(parts, value, 0);
  return Buffer.concat(parts);
}

function writeString(parts: Buffer[], s: string, withMarker: boolean): void {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= 0xffff) {
    const head = Buffer.allocUnsafe(withMarker ? 3 : 2);
    let o = 0;
    if (withMarker) head[o++] = Amf0Marker.String;
    head.writeUInt16BE(bytes.length, o);
    parts.push(head, bytes);
    return;
  }
  if (!withMarker) throw new AmfError('AMF0: property name longer than 65535 bytes');
  const head = Buffer.allocUnsafe(5);
  head[0] = Amf0Marker.LongString;
  head.writeUInt32BE(bytes.length, 1);
  parts.push(head, bytes);
}

function writeValue(parts: Buffer[], value: Amf0Value, depth: number): void {
  if (depth > MAX_DEPTH) throw new AmfError('AMF0: nesting too deep (cycle?)');
  if (value === null) {
    parts.push(Buffer.of(Amf0Marker.Null));
  } else if (value === undefined) {
    parts.push(Buffer.of(Amf0Marker.Undefined));
  } else if (typeof value === 'number') {
    const b = Buffer.allocUnsafe(9);
    b[0] = Amf0Marker.Number;
    b.writeDoubleBE(value, 1);
    parts.push(b);
  } else if (typeof value === 'boolean') {
    parts.push(Buffer.of(Amf0Marker.Boolean, value ? 1 : 0));
  } else if (typeof value === 'string') {
    writeString(parts, value, true);
  } else if (value instanceof Date) {
    const b = Buffer.alloc(11);
    b[0] = Amf0Marker.Date;
    b.writeDoubleBE(value.getTime(), 1);
    parts.push(b);
  } else if (Array.isArray(value)) {
    const head = Buffer.allocUnsafe(5);
    head[0] = Amf0Marker.StrictArray;
    head.writeUInt32BE(value.length, 1);
    parts.push(head);
    for (const item of value) writeValue(parts, item, depth + 1);
  } else if (typeof value === 'object') {
    if (!isPlainObject(value)) throw new AmfError(`AMF0: cannot encode ${Object.prototype.toString.call(value)}`);
    const keys = Object.keys(value);
    if (isEcmaArray(value)) {
      const head = Buffer.allocUnsafe(5);
      head[0] = Amf0Marker.EcmaArray;
      head.writeUInt32BE(keys.length, 1);
      parts.push(head);
    } else {
      parts.push(Buffer.of(Amf0Marker.Object));
    }
    for (const key of keys) {
      writeString(parts, key, false);
      writeValue(parts, value[key], depth + 1);
    }
    parts.push(Buffer.of(0x00, 0x00, Amf0Marker.ObjectEnd));
  } else {
    throw new AmfError(`AMF0: cannot encode a ${typeof value}`);
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Minimal AMF3 decoder (Adobe "AMF 3 Specification", 2013), only for values an AMF0 body switches
// to with the avmplus marker (0x11): Flash-era clients with objectEncoding=3 wrap command
// arguments this way. Externalizable objects, vectors and dictionaries are refused.
import { type Amf0Object, type Amf0Value, defineProperty } from './amf-value.ts';
import { AmfError } from './errors.ts';

const MAX_DEPTH = 64;

type Traits = { dynamic: boolean; members: string[] };

class Amf3Reader {
  readonly #data: Buffer;
  offset: number;
  // §2.2: three reference tables, scoped to this top-level value.
  readonly #strings: string[] = [];
  readonly #objects: unknown[] = [];
  readonly #traits: Traits[] = [];

  constructor(data: Buffer, offset: number) {
    this.#data = data;
    this.offset = offset;
  }

  #need(n: number): void {
    if (this.offset + n > this.#data.length) throw new AmfError(`AMF3: truncated at offset ${this.offset}`);
  }

  #u8(): number {
    this.#need(1);
    return this.#data[this.offset++]!;
  }

  /** §1.3.1 U29: 1-4 bytes, 7 bits each except the 4th which contributes 8. */
  #u29(): number {
    let value = 0;
    for (let i = 0; i < 3; i++) {
      const b = this.#u8();
      value = (value << 7) | (b & 0x7f);
      if ((b & 0x80) === 0) return value;
    }
    return ((value << 8) | this.#u8()) >>> 0;
  }

  #string(): string {
    const header = this.#u29();
    if ((header & 1) === 0) return this.#ref(this.#strings, header >> 1, 'string');
    const length = header >>> 1;
    this.#need(length);
    const s = this.#data.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    if (s !== '') this.#strings.push(s); // the empty string is never sent by reference
    return s;
  }

  #ref<T>(table: T[], index: number, what: string): T {
    if (index >= table.length) throw new AmfError(`AMF3: bad ${what} reference ${index}`);
    return table[index]!;
  }

  value(depth: number): Amf0Value {
    if (depth > MAX_DEPTH) throw new AmfError('AMF3: nesting too deep');
    const marker = this.#u8();
    switch (marker) {
      case 0x00: // undefined
        return undefined;
      case 0x01: // null
        return null;
      case 0x02:
        return false;
      case 0x03:
        return true;
      case 0x04: {
        const u = this.#u29();
        return u & 0x10000000 ? u - 0x20000000 : u; // 29-bit two's complement
      }
      case 0x05: {
        this.#need(8);
        const v = this.#data.readDoubleBE(this.offset);
        this.offset += 8;
        return v;
      }
      case 0x06: // string
        return this.#string();
      case 0x07: // XMLDocument
      case 0x0b: {
        // XML: same layout as a string but indexed in the object table
        const header = this.#u29();
        if ((header & 1) === 0) return this.#ref(this.#objects, header >> 1, 'object') as string;
        const length = header >>> 1;
        this.#need(length);
        const s = this.#data.toString('utf8', this.offset, this.offset + length);
        this.offset += length;
        this.#objects.push(s);
        return s;
      }
      case 0x08: {
        const header = this.#u29();
        if ((header & 1) === 0) return this.#ref(this.#objects, header >> 1, 'object') as Date;
        this.#need(8);
        const date = new Date(this.#data.readDoubleBE(this.offset));
        this.offset += 8;
        this.#objects.push(date);
        return date;
      }
      case 0x09:
        return this.#array(depth);
      case 0x0a:
        return this.#object(depth);
      case 0x0c: {
        // ByteArray: surfaced as an array of numbers so the value stays within Amf0Value
        const header = this.#u29();
        if ((header & 1) === 0) return this.#ref(this.#objects, header >> 1, 'object') as Amf0Value;
        const length = header >>> 1;
        this.#need(length);
        const bytes = Array.from(this.#data.subarray(this.offset, this.offset + length));
        this.offset += length;
        this.#objects.push(bytes);
        return bytes;
      }
      default:
        throw new AmfError(`AMF3: unsupported marker 0x${marker.toString(16)}`);
    }
  }

  #array(depth: number): Amf0Value {
    const header = this.#u29();
    if ((header & 1) === 0) return this.#ref(this.#objects, header >> 1, 'object') as Amf0Value;
    const count = header >>> 1;
    if (count > this.#data.length - this.offset) throw new AmfError(`AMF3: array count ${count} exceeds body`);
    const assoc: Amf0Object = {};
    const dense: Amf0Value[] = [];
    let hasAssoc = false;
    this.#objects.push(dense);
    for (;;) {
      const key = this.#string();
      if (key === '') break;
      hasAssoc = true;
      defineProperty(assoc, key, this.value(depth + 1));
    }
    for (let i = 0; i < count; i++) dense.push(this.value(depth + 1));
    if (!hasAssoc) return dense;
    for (const [i, v] of dense.entries()) defineProperty(assoc, String(i), v);
    return assoc;
  }

  #object(depth: number): Amf0Value {
    const header = this.#u29();
    if ((header & 1) === 0) return this.#ref(this.#objects, header >> 1, 'object') as Amf0Value;
    let traits: Traits;
    if ((header & 2) === 0) {
      traits = this.#ref(this.#traits, header >>> 2, 'traits');
    } else {
      if (header & 4) throw new AmfError('AMF3: externalizable objects are not supported');
      this.#string(); // class name
      const members: string[] = [];
      const sealedCount = header >>> 4;
      if (sealedCount > this.#data.length - this.offset) throw new AmfError('AMF3: too many sealed members');
      for (let i = 0; i < sealedCount; i++) members.push(this.#string());
      traits = { dynamic: (header & 8) !== 0, members };
      this.#traits.push(traits);
    }
    const object: Amf0Object = {};
    this.#objects.push(object);
    for (const member of traits.members) defineProperty(object, member, this.value(depth + 1));
    if (traits.dynamic) {
      for (;;) {
        const key = this.#string();
        if (key === '') break;
        defineProperty(object, key, this.value(depth + 1));
      }
    }
    return object;
  }
}

/** Decodes one AMF3 value at `offset`; returns it and the offset after it. */
export function readAmf3Value(data: Buffer, offset: number): { value: Amf0Value; offset: number } {
  const reader = new Amf3Reader(data, offset);
  const value = reader.value(0);
  return { value, offset: reader.offset };
}

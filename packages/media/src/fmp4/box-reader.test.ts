import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, childBoxes, readBoxHeader } from './box-reader.ts';
import { ByteQueue } from '../bytes/byte-queue.ts';
import { Fmp4Error } from './errors.ts';
import { ascii, box, concat, largeBox, u32 } from './testing/mp4-builder.ts';

describe('readBoxHeader', () => {
  it('reads a compact header', () => {
    expect(readBoxHeader(box('free', new Uint8Array(4)))).toEqual({ type: 'free', size: 12, headerSize: 8 });
  });

  it('reads a 64-bit largesize (size==1)', () => {
    expect(readBoxHeader(largeBox('mdat', new Uint8Array(3)))).toEqual({ type: 'mdat', size: 19, headerSize: 16 });
  });

  it('reports size==0 as running to the end', () => {
    expect(readBoxHeader(concat(u32(0), ascii('mdat')))).toEqual({ type: 'mdat', size: undefined, headerSize: 8 });
  });

  it('accounts for the uuid extended type', () => {
    expect(readBoxHeader(box('uuid', new Uint8Array(16)))?.headerSize).toBe(24);
  });

  it('waits for more bytes rather than guessing', () => {
    expect(readBoxHeader(Uint8Array.of(0, 0, 0))).toBeUndefined();
    expect(readBoxHeader(concat(u32(1), ascii('mdat'), Uint8Array.of(0, 0)))).toBeUndefined();
  });

  it('rejects a size smaller than the header', () => {
    expect(() => readBoxHeader(concat(u32(4), ascii('free')))).toThrow(Fmp4Error);
  });
});

describe('childBoxes', () => {
  it('iterates siblings and rejects overruns', () => {
    const buf = concat(box('a   '), box('b   ', new Uint8Array(2)));
    expect([...childBoxes(buf, 0, buf.length)].map((b) => b.type)).toEqual(['a   ', 'b   ']);
    expect(() => [...childBoxes(buf, 0, buf.length - 1)]).toThrow(/overruns/);
  });
});

describe('ByteReader', () => {
  it('throws MALFORMED past the end instead of reading garbage', () => {
    const r = new ByteReader(Uint8Array.of(1, 2, 3));
    expect(r.u16()).toBe(0x0102);
    expect(() => r.u16()).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });
});

describe('ByteQueue', () => {
  it('peek/read over arbitrary chunking equal the concatenated bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }),
        fc.array(fc.nat(50), { maxLength: 30 }),
        (chunks, takes) => {
          const all = concat(...chunks);
          const q = new ByteQueue();
          for (const c of chunks) q.push(c);
          let at = 0;
          for (const n of takes) {
            const k = Math.min(n, q.length);
            expect(q.peek(k)).toEqual(all.subarray(at, at + k));
            expect(new Uint8Array(q.read(k))).toEqual(all.subarray(at, at + k));
            at += k;
            expect(q.length).toBe(all.length - at);
          }
        },
      ),
    );
  });
});

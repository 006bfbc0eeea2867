import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Amf0Reader, decodeAmf0, encodeAmf0 } from './amf0.ts';
import { type Amf0Object, type Amf0Value, ecmaArray, isEcmaArray } from './amf-value.ts';
import { AmfError } from './errors.ts';

// The connect command ffmpeg 5.1 sends for rtmp://127.0.0.1:44847/live/key (captured on the wire).
const FFMPEG_CONNECT = Buffer.from(
  '020007636f6e6e656374003ff00000000000000300036170700200046c69766500047479706502000a6e6f6e707269766174650008666c6173685665' +
    '72020024464d4c452f332e302028636f6d70617469626c653b204c61766635392e32372e313030290005746355726c02001b72746d703a2f2f3132' +
    '372e302e302e313a34343834372f6c697665000009',
  'hex',
);

describe('AMF0', () => {
  it('decodes a real connect command and re-encodes it byte for byte', () => {
    const values = decodeAmf0(FFMPEG_CONNECT);
    expect(values).toEqual([
      'connect',
      1,
      {
        app: 'live',
        type: 'nonprivate',
        flashVer: 'FMLE/3.0 (compatible; Lavf59.27.100)',
        tcUrl: 'rtmp://127.0.0.1:44847/live',
      },
    ]);
    expect(encodeAmf0(...values).equals(FFMPEG_CONNECT)).toBe(true);
  });

  it('encodes each type with its marker (AMF0 spec §2)', () => {
    expect(encodeAmf0(1).toString('hex')).toBe('003ff0000000000000');
    expect(encodeAmf0(true, false).toString('hex')).toBe('01010100');
    expect(encodeAmf0('ab').toString('hex')).toBe('0200026162');
    expect(encodeAmf0(null, undefined).toString('hex')).toBe('0506');
    expect(encodeAmf0([1]).toString('hex')).toBe('0a00000001003ff0000000000000');
    expect(encodeAmf0({ a: null }).toString('hex')).toBe('03000161050000' + '09');
    expect(encodeAmf0(ecmaArray({ a: null })).toString('hex')).toBe('0800000001000161050000' + '09');
    expect(encodeAmf0(new Date(0)).toString('hex')).toBe('0b' + '0000000000000000' + '0000');
  });

  it('switches to a long string above 65535 bytes', () => {
    const long = 'x'.repeat(70_000);
    const bytes = encodeAmf0(long);
    expect(bytes[0]).toBe(0x0c);
    expect(decodeAmf0(bytes)).toEqual([long]);
  });

  it('keeps the ECMA array marker through a round trip (onMetaData)', () => {
    const meta = ecmaArray({ width: 640, height: 360, encoder: 'x' });
    const [decoded] = decodeAmf0(encodeAmf0('onMetaData', meta)).slice(1);
    expect(isEcmaArray(decoded)).toBe(true);
    expect(decoded).toEqual({ width: 640, height: 360, encoder: 'x' });
  });

  it('resolves references to earlier complex values (§2.9)', () => {
    // object {a: 1}, then reference 0
    const bytes = Buffer.concat([encodeAmf0({ a: 1 }), Buffer.of(0x07, 0x00, 0x00)]);
    const [first, second] = decodeAmf0(bytes);
    expect(second).toBe(first);
    expect(() => decodeAmf0(Buffer.of(0x07, 0x00, 0x05))).toThrow(AmfError);
  });

  it('decodes typed objects, XML documents, unsupported and dates', () => {
    const typed = Buffer.concat([Buffer.of(0x10, 0x00, 0x01), Buffer.from('T'), encodeAmf0({ x: 2 }).subarray(1)]);
    expect(decodeAmf0(typed)).toEqual([{ x: 2 }]);
    expect(decodeAmf0(Buffer.of(0x0f, 0, 0, 0, 1, 0x41))).toEqual(['A']);
    expect(decodeAmf0(Buffer.of(0x0d))).toEqual([undefined]);
    expect(decodeAmf0(encodeAmf0(new Date(1234)))).toEqual([new Date(1234)]);
  });

  it('never lets a "__proto__" key reach a prototype', () => {
    const bytes = Buffer.concat([
      Buffer.of(0x03, 0x00, 0x09),
      Buffer.from('__proto__'),
      encodeAmf0({ polluted: true }),
      Buffer.of(0, 0, 9),
    ]);
    const [value] = decodeAmf0(bytes) as [Amf0Object];
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
  });

  it('tolerates an object missing its end marker at the end of the body', () => {
    const bytes = encodeAmf0('onMetaData', { a: 1 }).subarray(0, -3);
    expect(decodeAmf0(bytes)).toEqual(['onMetaData', { a: 1 }]);
  });

  it('rejects truncated input, bad markers, absurd counts and deep nesting', () => {
    expect(() => decodeAmf0(Buffer.of(0x00, 0x01))).toThrow(AmfError);
    expect(() => decodeAmf0(Buffer.of(0x02, 0x00, 0x05, 0x61))).toThrow(AmfError);
    expect(() => decodeAmf0(Buffer.of(0x04))).toThrow(AmfError);
    expect(() => decodeAmf0(Buffer.of(0x0a, 0xff, 0xff, 0xff, 0xff))).toThrow(AmfError);
    let nested: Amf0Value = 1;
    for (let i = 0; i < 100; i++) nested = [nested];
    expect(() => encodeAmf0(nested)).toThrow(AmfError);
    const deep = Buffer.concat([
      Buffer.alloc(400).map((_, i) => (i % 5 === 0 ? 0x0a : i % 5 === 4 ? 1 : 0)),
      Buffer.of(5),
    ]);
    expect(() => decodeAmf0(deep)).toThrow(AmfError);
  });

  it('refuses values it cannot represent', () => {
    expect(() => encodeAmf0(new Map() as unknown as Amf0Value)).toThrow(AmfError);
    expect(() => encodeAmf0((() => 1) as unknown as Amf0Value)).toThrow(AmfError);
  });

  it('decodes AMF3 values behind the avmplus marker (objectEncoding 3 clients)', () => {
    // 0x11, then AMF3: object, dynamic anonymous traits, {app: "live", n: 5, f: 1.5, ok: true}
    const amf3 = Buffer.from([
      0x11,
      0x0a,
      0x0b,
      0x01, // object marker, U29O-traits (dynamic, 0 sealed), class name ""
      0x07,
      ...Buffer.from('app'),
      0x06,
      0x09,
      ...Buffer.from('live'),
      0x03,
      ...Buffer.from('n'),
      0x04,
      0x05,
      0x03,
      ...Buffer.from('f'),
      0x05,
      ...Buffer.from('3ff8000000000000', 'hex'),
      0x05,
      ...Buffer.from('ok'),
      0x03,
      0x01, // end of dynamic members
    ]);
    expect(decodeAmf0(Buffer.concat([encodeAmf0('connect', 1), amf3]))).toEqual([
      'connect',
      1,
      { app: 'live', n: 5, f: 1.5, ok: true },
    ]);
    // string references, negative integers, arrays
    const refs = Buffer.from([
      0x11,
      0x09,
      0x07,
      0x01,
      0x06,
      0x07,
      ...Buffer.from('abc'),
      0x06,
      0x00,
      0x04,
      0xff,
      0xff,
      0xff,
      0xff,
    ]);
    expect(decodeAmf0(refs)).toEqual([['abc', 'abc', -1]]);
  });

  it('reports where the first value ends (for @setDataFrame)', () => {
    const reader = new Amf0Reader(encodeAmf0('@setDataFrame', 'onMetaData'));
    reader.readValue();
    expect(reader.offset).toBe(16);
  });

  it('round-trips arbitrary values (property)', () => {
    const key = fc.string({ maxLength: 8 });
    const value = fc.letrec<{ v: Amf0Value }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.string(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(key, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), (values) => {
        expect(decodeAmf0(encodeAmf0(...values))).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but AmfError on random input (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeAmf0(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(AmfError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkReader, type ChunkReaderLimits } from './chunk-reader.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { RtmpProtocolError } from './errors.ts';
import { abortMessage, MessageType, type RtmpMessage, setChunkSizeMessage } from './messages.ts';

const LIMITS: ChunkReaderLimits = { maxMessageLength: 1 << 20, maxPendingBytes: 8 << 20, maxChunkStreams: 64 };

function readAll(reader: ChunkReader): RtmpMessage[] {
  const out: RtmpMessage[] = [];
  for (let m = reader.read(); m; m = reader.read()) out.push(m);
  return out;
}

/** Feeds `bytes` cut at `cuts` (offsets) and collects every message. */
function feed(bytes: Buffer, cuts: number[], limits = LIMITS): RtmpMessage[] {
  const reader = new ChunkReader(limits);
  const out: RtmpMessage[] = [];
  let last = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    reader.push(bytes.subarray(last, cut));
    last = cut;
    out.push(...readAll(reader));
  }
  expect(reader.bufferedBytes).toBe(0);
  return out;
}

const strip = (m: RtmpMessage) => ({ ...m, payload: m.payload.toString('hex') });

// A message on one chunk stream: type, stream id, timestamp advancing by a delta that is
// sometimes huge (extended timestamps, §5.3.1.3), payload sized across chunk boundaries.
const messageArb = (csid: fc.Arbitrary<number>) =>
  fc.record({
    csid,
    typeId: fc.constantFrom(MessageType.Audio, MessageType.Video, MessageType.DataAmf0, MessageType.CommandAmf0),
    streamId: fc.constantFrom(0, 1, 0x01020304),
    delta: fc.oneof(
      fc.constantFrom(0, 20, 33, 0xfffffe, 0xffffff, 0x1000000),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    ),
    size: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5000 })),
  });

type Spec = { csid: number; typeId: number; streamId: number; delta: number; size: number };

/** Turns specs into messages with per-csid timestamps (wrapping at 2^32 like the wire). */
function toMessages(specs: Spec[], seed: number): RtmpMessage[] {
  const clocks = new Map<number, number>();
  return specs.map((s, i) => {
    const ts = ((clocks.get(s.csid) ?? 0) + s.delta) % 2 ** 32;
    clocks.set(s.csid, ts);
    const payload = Buffer.alloc(s.size, (seed + i) & 0xff);
    if (s.size > 0) payload.writeUInt8(i & 0xff, 0);
    return { csid: s.csid, typeId: s.typeId, streamId: s.streamId, timestamp: ts, payload };
  });
}

describe('chunk stream (§5.3)', () => {
  it('reads back what the writer wrote under every byte split (property)', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb(fc.constantFrom(3, 4, 5, 63, 64, 319, 320, 65599)), { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 40 }),
        fc.option(fc.integer({ min: 1, max: 70_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 255 }),
        (specs, cuts, chunkSize, seed) => {
          const messages = toMessages(specs, seed);
          const writer = new ChunkWriter();
          const parts: Buffer[] = [];
          const expected: RtmpMessage[] = [];
          if (chunkSize !== undefined) {
            const m = setChunkSizeMessage(chunkSize);
            parts.push(writer.write(m));
            expected.push(m);
          }
          for (const m of messages) parts.push(writer.write(m));
          expected.push(...messages);
          const bytes = Buffer.concat(parts);
          expect(feed(bytes, cuts).map(strip)).toEqual(expected.map(strip));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads interleaved chunks of concurrent messages on different chunk streams (property)', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb(fc.constantFrom(3, 4, 6, 100, 1000)), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 600 }),
        (specs, choices, cuts, chunkSize) => {
          const messages = toMessages(specs, 7);
          const writer = new ChunkWriter();
          const head = writer.write(setChunkSizeMessage(chunkSize));
          // Per chunk stream, the chunks of its messages in order; streams interleave freely.
          const queues = new Map<number, Buffer[]>();
          for (const m of messages) {
            const q = queues.get(m.csid) ?? [];
            q.push(...writer.chunks(m));
            queues.set(m.csid, q);
          }
          const out: Buffer[] = [head];
          let i = 0;
          while ([...queues.values()].some((q) => q.length > 0)) {
            const live = [...queues.values()].filter((q) => q.length > 0);
            out.push(live[choices[i++ % choices.length]! % live.length]!.shift()!);
          }
          const got = feed(Buffer.concat(out), cuts).slice(1);
          // Completion order may differ across streams; within a stream it is preserved.
          for (const csid of queues.keys()) {
            expect(got.filter((m) => m.csid === csid).map(strip)).toEqual(
              messages.filter((m) => m.csid === csid).map(strip),
            );
          }
          expect(got).toHaveLength(messages.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('encodes chunk stream ids in 1, 2 and 3 byte forms (§5.3.1.1)', () => {
    const writer = new ChunkWriter();
    const first = (csid: number) => writer.write({ csid, typeId: 8, streamId: 1, timestamp: 0, payload: Buffer.of(1) });
    expect(first(63).subarray(0, 1).toString('hex')).toBe('3f');
    expect(first(64).subarray(0, 2).toString('hex')).toBe('0000');
    expect(first(319).subarray(0, 2).toString('hex')).toBe('00ff');
    expect(first(320).subarray(0, 3).toString('hex')).toBe('010001');
    expect(first(65599).subarray(0, 3).toString('hex')).toBe('01ffff');
    expect(() => first(1)).toThrow(RtmpProtocolError);
  });

  it('handles extended timestamps on type 0, 1, 2 and type 3 continuations (§5.3.1.3)', () => {
    const writer = new ChunkWriter();
    const big = { csid: 4, typeId: 9, streamId: 1, timestamp: 0x12345678, payload: Buffer.alloc(300, 1) };
    const bytes = writer.write(big);
    // type 0 header with 0xffffff, then the 32-bit value; continuation chunks repeat it
    expect(bytes.subarray(1, 4).toString('hex')).toBe('ffffff');
    expect(bytes.subarray(12, 16).toString('hex')).toBe('12345678');
    expect(bytes.subarray(128 + 16, 128 + 16 + 5).toString('hex')).toBe('c412345678');
    const next = { ...big, timestamp: 0x12345678 + 0x1000000, payload: Buffer.alloc(10, 2) }; // type 1, extended delta
    const third = { ...next, timestamp: next.timestamp + 0x1000000 }; // same length/type: type 3 with extended field
    const all = Buffer.concat([bytes, writer.write(next), writer.write(third)]);
    expect(feed(all, []).map((m) => m.timestamp)).toEqual([0x12345678, 0x13345678, 0x14345678]);
  });

  it('accepts type 3 continuations that omit the extended timestamp (older encoders)', () => {
    // type 0, ts extended 0x01000000, 200 bytes, chunk size 128; the continuation has no extended field
    const header = Buffer.from('04ffffff0000c8090100000001000000', 'hex');
    const payload = Buffer.alloc(200, 7);
    const bytes = Buffer.concat([header, payload.subarray(0, 128), Buffer.of(0xc4), payload.subarray(128)]);
    const [m] = feed(bytes, [5, 150]);
    expect(m!.timestamp).toBe(0x01000000);
    expect(m!.payload.equals(payload)).toBe(true);
  });

  it('type 3 starting a message reuses the last delta, or the absolute time after type 0 (§5.3.1.2.4)', () => {
    const msg = (fmtHeader: string, payload: string) =>
      Buffer.concat([Buffer.from(fmtHeader, 'hex'), Buffer.from(payload, 'hex')]);
    const bytes = Buffer.concat([
      msg('03' + '0003e8' + '000001' + '08' + '01000000', 'aa'), // type 0, ts 1000
      msg('83' + '000014', 'bb'), // type 2, delta 20 -> 1020
      msg('c3', 'cc'), // type 3 -> 1040
      msg('c3', 'dd'), // type 3 -> 1060
      msg('04' + '000064' + '000001' + '09' + '01000000', 'ee'), // csid 4 type 0, ts 100
      msg('c4', 'ff'), // type 3 after type 0: adds the timestamp field again -> 200 (as ffmpeg and SRS)
    ]);
    expect(feed(bytes, [3, 17]).map((m) => [m.csid, m.timestamp])).toEqual([
      [3, 1000],
      [3, 1020],
      [3, 1040],
      [3, 1060],
      [4, 100],
      [4, 200],
    ]);
  });

  it('applies Set Chunk Size mid-stream, before the very next chunk (§5.4.1)', () => {
    const writer = new ChunkWriter();
    const a = { csid: 5, typeId: 9, streamId: 1, timestamp: 0, payload: Buffer.alloc(1000, 1) };
    const bytes = Buffer.concat([
      writer.write(a),
      writer.write(setChunkSizeMessage(4096)),
      writer.write({ ...a, timestamp: 40 }),
    ]);
    expect(writer.chunkSize).toBe(4096);
    for (let cut = 0; cut < bytes.length; cut += 97) {
      const got = feed(bytes, [cut]);
      expect(got.map((m) => [m.typeId, m.payload.length])).toEqual([
        [9, 1000],
        [1, 4],
        [9, 1000],
      ]);
    }
  });

  it('drops a partial message on Abort (§5.4.2) and on a new header mid-message', () => {
    const writer = new ChunkWriter();
    const chunks = writer.chunks({ csid: 6, typeId: 9, streamId: 1, timestamp: 0, payload: Buffer.alloc(300, 1) });
    const reader = new ChunkReader(LIMITS);
    reader.push(chunks[0]!);
    expect(reader.read()).toBeNull();
    expect(reader.bufferedBytes).toBeGreaterThan(0);
    reader.push(writer.write(abortMessage(6)));
    expect(reader.read()?.typeId).toBe(MessageType.Abort);
    expect(reader.bufferedBytes).toBe(0);
    reader.push(new ChunkWriter().write({ csid: 6, typeId: 8, streamId: 1, timestamp: 5, payload: Buffer.of(1, 2) }));
    expect(reader.read()).toMatchObject({ typeId: 8, timestamp: 5 });
  });

  it('rejects a chunk size of 0 and of 2^31 or more', () => {
    for (const size of [0, 2 ** 31, 2 ** 32 - 1]) {
      const payload = Buffer.alloc(4);
      payload.writeUInt32BE(size);
      const bytes = new ChunkWriter().write({ csid: 2, typeId: 1, streamId: 0, timestamp: 0, payload });
      const reader = new ChunkReader(LIMITS);
      reader.push(bytes);
      expect(() => reader.read()).toThrow(expect.objectContaining({ code: 'chunk-size' }));
    }
    const ok = new ChunkReader(LIMITS);
    ok.push(new ChunkWriter().write(setChunkSizeMessage(2 ** 31 - 1)));
    ok.read();
    expect(ok.chunkSize).toBe(2 ** 31 - 1);
  });

  it('refuses an announced message above maxMessageLength before any payload arrives', () => {
    const reader = new ChunkReader(LIMITS);
    reader.push(Buffer.from('04000000ffffff0901000000', 'hex')); // 16 MiB - 1 announced, no data
    expect(() => reader.read()).toThrow(expect.objectContaining({ code: 'message-too-large' }));
  });

  it('grows partial messages with received bytes only, within maxPendingBytes', () => {
    const limits = { ...LIMITS, maxMessageLength: 1 << 20, maxPendingBytes: 1 << 20 };
    const reader = new ChunkReader(limits);
    const writer = new ChunkWriter();
    reader.push(writer.write(setChunkSizeMessage(1 << 20)));
    reader.read();
    // Several large messages announced on different chunk streams, each fed a little.
    for (let csid = 3; csid < 6; csid++) {
      const chunk = writer.chunks({ csid, typeId: 9, streamId: 1, timestamp: 0, payload: Buffer.alloc(1_000_000) })[0]!;
      reader.push(chunk.subarray(0, 12 + 10));
      expect(reader.read()).toBeNull();
    }
    expect(reader.bufferedBytes).toBeLessThanOrEqual(3 * 64 * 1024);
    // One of them now sends its whole payload: too much pending in total.
    const full = writer.chunks({ csid: 7, typeId: 9, streamId: 1, timestamp: 0, payload: Buffer.alloc(1_000_000) })[0]!;
    expect(() => {
      reader.push(full);
      reader.read();
    }).toThrow(expect.objectContaining({ code: 'pending-limit' }));
  });

  it('limits the number of chunk streams and requires a type 0 first chunk', () => {
    const reader = new ChunkReader({ ...LIMITS, maxChunkStreams: 3 });
    const writer = new ChunkWriter();
    for (let csid = 3; csid < 6; csid++)
      reader.push(writer.write({ csid, typeId: 8, streamId: 1, timestamp: 0, payload: Buffer.of(1) }));
    expect(readAll(reader)).toHaveLength(3);
    reader.push(writer.write({ csid: 9, typeId: 8, streamId: 1, timestamp: 0, payload: Buffer.of(1) }));
    expect(() => reader.read()).toThrow(expect.objectContaining({ code: 'chunk-streams' }));
    const fresh = new ChunkReader(LIMITS);
    fresh.push(Buffer.from('830000140102', 'hex'));
    expect(() => fresh.read()).toThrow(expect.objectContaining({ code: 'chunk-header' }));
  });

  it('never throws anything but RtmpProtocolError on random bytes, and stays within its limits (property)', () => {
    const limits = { maxMessageLength: 1 << 16, maxPendingBytes: 1 << 18, maxChunkStreams: 8 };
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 20 }), (pieces) => {
        const reader = new ChunkReader(limits);
        try {
          for (const piece of pieces) {
            reader.push(piece);
            readAll(reader);
            expect(reader.bufferedBytes).toBeLessThanOrEqual(limits.maxPendingBytes);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(RtmpProtocolError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

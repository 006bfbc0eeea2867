import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAmf0 } from './amf0.ts';
import { isEcmaArray } from './amf-value.ts';
import { FlvFormatError } from './errors.ts';
import { createLiveFlvStream, type LiveFlvSource } from './live-flv-stream.ts';
import { FlvReader, parseFlv } from './reader.ts';
import type { FlvTag } from './tag.ts';
import { encodeFlv, encodeFlvHeader, encodeFlvTag, metadataTag } from './writer.ts';

const AVC_SEQ = Buffer.from(
  '17000000000142c01effe100196742c01eda0280bfe5c044000003000400000300f23c58ba8001000468ce0fc8',
  'hex',
);
const AAC_SEQ = Buffer.from('af001188', 'hex');
const key = (n: number) => Buffer.from([0x17, 0x01, 0, 0, 0, n]);
const inter = (n: number) => Buffer.from([0x27, 0x01, 0, 0, 0, n]);
const aac = (n: number) => Buffer.from([0xaf, 0x01, n]);

describe('FLV writer and reader (FLV spec v10.1 Annex E)', () => {
  it('writes the header with audio/video flags and PreviousTagSize0', () => {
    expect(encodeFlvHeader({ audio: true, video: true }).toString('hex')).toBe('464c56010500000009' + '00000000');
    expect(encodeFlvHeader({ audio: true, video: false })[4]).toBe(4);
    expect(encodeFlvHeader({ audio: false, video: true })[4]).toBe(1);
  });

  it('writes a tag header, body and PreviousTagSize; timestamps use the extension byte', () => {
    const bytes = encodeFlvTag({ type: 'video', timestamp: 0x12345678, data: Buffer.of(0x17, 0x01) });
    expect(bytes.toString('hex')).toBe('09' + '000002' + '345678' + '12' + '000000' + '1701' + '0000000d');
    // beyond 2^32 (an unwrapped live clock) the written value wraps like RTMP's
    const wrapped = encodeFlvTag({ type: 'audio', timestamp: 2 ** 32 + 5, data: Buffer.of(0xaf) });
    expect(wrapped.subarray(4, 8).toString('hex')).toBe('00000500');
  });

  it('round-trips tags through the reader under any split (property)', () => {
    const tagArb = fc.record({
      type: fc.constantFrom('audio', 'video', 'script') as fc.Arbitrary<FlvTag['type']>,
      timestamp: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      data: fc.uint8Array({ minLength: 1, maxLength: 400 }).map((a) => Buffer.from(a)),
    });
    fc.assert(
      fc.property(fc.array(tagArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (tags, cuts) => {
        const bytes = encodeFlv({ audio: true, video: true }, tags);
        const reader = new FlvReader({ strict: true });
        const got: FlvTag[] = [];
        let last = 0;
        for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
          reader.push(bytes.subarray(last, cut));
          last = cut;
          for (let t = reader.read(); t; t = reader.read()) got.push(t);
        }
        expect(reader.header).toEqual({ version: 1, hasAudio: true, hasVideo: true });
        expect(got.map((t) => [t.type, t.timestamp, t.data.toString('hex')])).toEqual(
          tags.map((t) => [t.type, t.timestamp, t.data.toString('hex')]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('classifies key frames and sequence headers when reading', () => {
    const { tags } = parseFlv(
      encodeFlv({ audio: true, video: true }, [
        { type: 'video', timestamp: 0, data: AVC_SEQ },
        { type: 'audio', timestamp: 0, data: AAC_SEQ },
        { type: 'video', timestamp: 0, data: key(1) },
        { type: 'video', timestamp: 33, data: inter(2) },
      ]),
    );
    expect(tags.map((t) => [t.isSequenceHeader, t.keyframe])).toEqual([
      [true, false],
      [true, undefined],
      [false, true],
      [false, false],
    ]);
  });

  it('writes onMetaData as an ECMA array script tag', () => {
    const tag = metadataTag({ width: 640, height: 360, framerate: 30 });
    const [name, value] = decodeAmf0(tag.data);
    expect(name).toBe('onMetaData');
    expect(isEcmaArray(value)).toBe(true);
    expect(value).toEqual({ width: 640, height: 360, framerate: 30 });
  });

  it('rejects non-FLV input, truncation, oversized and encrypted tags', () => {
    expect(() => parseFlv(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(FlvFormatError);
    const good = encodeFlv({ audio: true, video: false }, [{ type: 'audio', timestamp: 0, data: aac(1) }]);
    expect(() => parseFlv(good.subarray(0, good.length - 2))).toThrow(/truncated/);
    expect(() => parseFlv(good, { maxTagSize: 2 })).toThrow(/exceeds/);
    const encrypted = Buffer.from(good);
    encrypted[13] = encrypted[13]! | 0x20;
    expect(() => parseFlv(encrypted)).toThrow(/encrypted/);
    const badSize = Buffer.from(good);
    badSize.writeUInt32BE(99, badSize.length - 4);
    expect(() => parseFlv(badSize, { strict: true })).toThrow(/PreviousTagSize/);
    expect(parseFlv(badSize).tags).toHaveLength(1);
  });
});

/** An in-memory live source for the late-joiner stream. */
class FakeSource implements LiveFlvSource {
  metadataTag: FlvTag | undefined = metadataTag({ width: 320 });
  audioSequenceHeader: FlvTag | undefined = { type: 'audio', timestamp: 0, data: AAC_SEQ, isSequenceHeader: true };
  videoSequenceHeader: FlvTag | undefined = { type: 'video', timestamp: 0, data: AVC_SEQ, isSequenceHeader: true };
  hasVideo = true;
  hasAudio = true;
  ended = false;
  readonly subscribers = new Set<{ tag(tag: FlvTag): void; end(): void }>();

  subscribe(s: { tag(tag: FlvTag): void; end(): void }): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  emit(tag: FlvTag): void {
    for (const s of this.subscribers) s.tag(tag);
  }

  end(): void {
    this.ended = true;
    for (const s of this.subscribers) s.end();
  }
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('live FLV stream for a late joiner', () => {
  it('starts with header, metadata and sequence headers, then tags from the next key frame', async () => {
    const source = new FakeSource();
    const stream = createLiveFlvStream(source);
    const done = collect(stream);
    source.emit({ type: 'video', timestamp: 5000, data: inter(1), keyframe: false });
    source.emit({ type: 'audio', timestamp: 5010, data: aac(1) });
    source.emit({ type: 'video', timestamp: 5033, data: key(2), keyframe: true });
    source.emit({ type: 'audio', timestamp: 5040, data: aac(2) });
    source.emit({ type: 'video', timestamp: 5066, data: inter(3), keyframe: false });
    source.end();
    const { header, tags } = parseFlv(await done, { strict: true });
    expect(header).toEqual({ version: 1, hasAudio: true, hasVideo: true });
    expect(tags.map((t) => [t.type, t.timestamp, t.isSequenceHeader ?? false, t.keyframe ?? false])).toEqual([
      ['script', 0, false, false],
      ['video', 0, true, false],
      ['audio', 0, true, false],
      ['video', 5033, false, true],
      ['audio', 5040, false, false],
      ['video', 5066, false, false],
    ]);
    expect(source.subscribers.size).toBe(0);
  });

  it('rebases timestamps on request and starts audio-only sources at once', async () => {
    const source = new FakeSource();
    source.hasVideo = false;
    source.videoSequenceHeader = undefined;
    const stream = createLiveFlvStream(source, { rebaseTimestamps: true });
    const done = collect(stream);
    source.emit({ type: 'audio', timestamp: 9000, data: aac(1) });
    source.emit({ type: 'audio', timestamp: 9021, data: aac(2) });
    source.end();
    const { header, tags } = parseFlv(await done);
    expect(header.hasVideo).toBe(false);
    expect(tags.map((t) => [t.type, t.timestamp])).toEqual([
      ['script', 0],
      ['audio', 0],
      ['audio', 0],
      ['audio', 21],
    ]);
  });

  it('drops to the next key frame when the reader falls behind, keeping sequence headers', async () => {
    const source = new FakeSource();
    const stream = createLiveFlvStream(source, { maxBufferedBytes: 200 });
    source.emit({ type: 'video', timestamp: 0, data: key(1), keyframe: true });
    for (let i = 1; i <= 10; i++)
      source.emit({
        type: 'video',
        timestamp: i * 33,
        data: Buffer.concat([inter(i), Buffer.alloc(100)]),
        keyframe: false,
      });
    source.emit({ type: 'video', timestamp: 400, data: AVC_SEQ, isSequenceHeader: true, keyframe: false });
    source.emit({ type: 'video', timestamp: 433, data: inter(99), keyframe: false });
    source.emit({ type: 'video', timestamp: 466, data: key(100), keyframe: true });
    source.end();
    const { tags } = parseFlv(await collect(stream));
    const video = tags.filter((t) => t.type === 'video' && !t.isSequenceHeader).map((t) => t.timestamp);
    expect(video[0]).toBe(0);
    expect(video).not.toContain(433); // dropped while behind
    expect(video.at(-1)).toBe(466); // resumed at the key frame
    expect(tags.filter((t) => t.isSequenceHeader && t.timestamp === 400)).toHaveLength(1);
  });

  it('unsubscribes when the reader goes away', () => {
    const source = new FakeSource();
    const stream = createLiveFlvStream(source);
    expect(source.subscribers.size).toBe(1);
    stream.destroy();
    expect(source.subscribers.size).toBe(0);
  });
});

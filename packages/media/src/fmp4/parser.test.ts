import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fmp4Error } from './errors.ts';
import { Fmp4Parser, readFmp4 } from './parser.ts';
import {
  ascii,
  box,
  concat,
  FLAGS_NON_SYNC,
  FLAGS_SYNC,
  fragment,
  fullBox,
  initSegment,
  type TrackSpec,
  type TrafSpec,
  u32,
  u64,
} from './testing/mp4-builder.ts';
import type { Fmp4Event } from './types.ts';

const tracks: TrackSpec[] = [
  { kind: 'video', id: 1, timescale: 90000, width: 1280, height: 720, avc: [0x64, 0x00, 0x1f] },
  { kind: 'audio', id: 2, timescale: 48000, sampleRate: 48000, channels: 2 },
];

function gop(start: number, keyframe: boolean): TrafSpec[] {
  return [
    {
      trackId: 1,
      baseMediaDecodeTime: start * 3000,
      samples: Array.from({ length: 6 }, (_, i) => ({
        duration: 3000,
        size: 10 + i,
        flags: i === 0 && keyframe ? FLAGS_SYNC : FLAGS_NON_SYNC,
      })),
    },
    { trackId: 2, baseMediaDecodeTime: start * 1600, samples: [{ duration: 1024, size: 5, flags: FLAGS_SYNC }] },
  ];
}

function sampleStream(): Uint8Array {
  return concat(
    initSegment(tracks),
    box('styp', ascii('msdh'), u32(0), ascii('msdh')),
    fragment(1, gop(0, true)),
    fragment(2, gop(6, false)),
    box('free', new Uint8Array(3)),
    fragment(3, gop(12, true), { largeMdat: true }),
    box('mfra', new Uint8Array(8)),
  );
}

function summarize(events: Fmp4Event[]) {
  return events.map((e) =>
    e.type === 'init'
      ? { init: e.init.tracks.map((t) => [t.id, t.kind, t.codec, t.timescale]) }
      : {
          seq: e.fragment.sequenceNumber,
          independent: e.fragment.independent,
          size: e.fragment.size,
          bytes: Buffer.from(e.fragment.bytes).toString('base64'),
          tracks: e.fragment.tracks.map((t) => [
            t.trackId,
            t.baseMediaDecodeTime,
            t.duration,
            t.sampleCount,
            t.keyframe,
          ]),
        },
  );
}

function parseAll(bytes: Uint8Array, cuts: number[] = []): Fmp4Event[] {
  const parser = new Fmp4Parser();
  const events: Fmp4Event[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    events.push(...parser.push(bytes.subarray(at, cut)));
    at = cut;
  }
  events.push(...parser.push(bytes.subarray(at)));
  events.push(...parser.end());
  return events;
}

describe('Fmp4Parser', () => {
  it('emits the init segment and each fragment with timing and sync info', () => {
    const events = parseAll(sampleStream());
    expect(events.map((e) => e.type)).toEqual(['init', 'fragment', 'fragment', 'fragment']);
    const first = events[0]!;
    const init = first.type === 'init' ? first.init : undefined;
    expect(init?.tracks).toMatchObject([
      { id: 1, kind: 'video', handler: 'vide', codec: 'avc1.64001F', width: 1280, height: 720, timescale: 90000 },
      { id: 2, kind: 'audio', handler: 'soun', codec: 'mp4a.40.2', channelCount: 2, sampleRate: 48000 },
    ]);
    expect(init?.majorBrand).toBe('iso6');
    const frags = events.flatMap((e) => (e.type === 'fragment' ? [e.fragment] : []));
    expect(frags.map((f) => [f.sequenceNumber, f.independent, f.hasStyp])).toEqual([
      [1, true, true],
      [2, false, false],
      [3, true, false],
    ]);
    expect(frags[1]!.tracks[0]).toMatchObject({
      trackId: 1,
      baseMediaDecodeTime: 18000,
      duration: 18000,
      sampleCount: 6,
    });
    expect(frags[1]!.tracks[1]).toMatchObject({ trackId: 2, keyframe: true, duration: 1024 });
    // styp belongs to the fragment after it; free/mfra are dropped
    expect(frags[0]!.bytes.subarray(4, 8)).toEqual(ascii('styp'));
    expect(frags[0]!.size).toBe(frags[0]!.bytes.length);
  });

  it('gives the same events for any chunking of the byte stream', () => {
    const bytes = sampleStream();
    const expected = summarize(parseAll(bytes));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 60 }), (cuts) => {
        expect(summarize(parseAll(bytes, cuts))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
    // and byte by byte
    expect(
      summarize(
        parseAll(
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
        ),
      ),
    ).toEqual(expected);
  });

  it('reads keyframes from first_sample_flags, tfhd defaults and trex defaults', () => {
    const init = initSegment([
      { kind: 'video', id: 1, timescale: 1000, width: 2, height: 2, defaultSampleFlags: FLAGS_NON_SYNC },
    ]);
    const samples = [{ size: 1 }, { size: 1 }];
    const events = parseAll(
      concat(
        init,
        fragment(1, [
          { trackId: 1, baseMediaDecodeTime: 0, firstSampleFlags: FLAGS_SYNC, defaultDuration: 40, samples },
        ]),
        fragment(2, [{ trackId: 1, baseMediaDecodeTime: 80, defaultDuration: 40, defaultFlags: FLAGS_SYNC, samples }]),
        fragment(3, [
          { trackId: 1, baseMediaDecodeTime: 160, defaultDuration: 40, defaultFlags: FLAGS_NON_SYNC, samples },
        ]),
        // neither trun nor tfhd flags: the trex default (non-sync) applies
        fragment(4, [{ trackId: 1, baseMediaDecodeTime: 240, defaultDuration: 40, omitFlags: true, samples }]),
      ),
    );
    const frags = events.flatMap((e) => (e.type === 'fragment' ? [e.fragment] : []));
    expect(frags.map((f) => [f.independent, f.tracks[0]!.duration])).toEqual([
      [true, 80],
      [true, 80],
      [false, 80],
      [false, 80],
    ]);
  });

  it('emits a new init when the stream starts over (ffmpeg restarted on the same pipe)', () => {
    const audioOnly: TrackSpec[] = [{ kind: 'audio', id: 1, timescale: 44100, sampleRate: 44100, channels: 1 }];
    const events = parseAll(
      concat(
        sampleStream(),
        initSegment(audioOnly),
        fragment(1, [
          { trackId: 1, baseMediaDecodeTime: 0, samples: [{ duration: 1024, size: 3, flags: FLAGS_SYNC }] },
        ]),
      ),
    );
    expect(events.map((e) => e.type)).toEqual(['init', 'fragment', 'fragment', 'fragment', 'init', 'fragment']);
    const second = events[4]!;
    expect(second.type === 'init' && second.init.tracks[0]).toMatchObject({
      kind: 'audio',
      channelCount: 1,
      sampleRate: 44100,
    });
    const last = events[5]!;
    expect(last.type === 'fragment' && last.fragment.tracks[0]).toMatchObject({ timescale: 44100, keyframe: true });
  });

  it('reads 64-bit tfdt', () => {
    const big = 2 ** 40 + 12345;
    const events = parseAll(
      concat(
        initSegment(tracks),
        fragment(7, [
          {
            trackId: 1,
            baseMediaDecodeTime: big,
            tfdtVersion: 1,
            samples: [{ duration: 1, size: 1, flags: FLAGS_SYNC }],
          },
        ]),
      ),
    );
    const second = events[1]!;
    const f = second.type === 'fragment' ? second.fragment : undefined;
    expect(f?.tracks[0]?.baseMediaDecodeTime).toBe(big);
  });

  it('emits a size==0 (to end of stream) mdat at end()', () => {
    const frag = fragment(1, gop(0, true));
    const moofBytes = frag.subarray(0, new DataView(frag.buffer, frag.byteOffset).getUint32(0));
    const payload = frag.subarray(moofBytes.length + 8);
    const stream = concat(initSegment(tracks), moofBytes, u32(0), ascii('mdat'), payload);
    const parser = new Fmp4Parser();
    expect(parser.push(stream).map((e) => e.type)).toEqual(['init']);
    expect(parser.pendingBytes).toBeGreaterThan(0);
    const last = parser.end();
    expect(last.map((e) => e.type)).toEqual(['fragment']);
  });

  it('parses a producer reference time box into wall-clock milliseconds', () => {
    const ntpSeconds = 2_208_988_800 + 1_700_000_000;
    const prft = fullBox('prft', 1, 0, u32(1), u32(ntpSeconds), u32(0x80000000), u64(90000));
    const events = parseAll(concat(initSegment(tracks), prft, fragment(1, gop(0, true))));
    const second = events[1]!;
    const f = second.type === 'fragment' ? second.fragment : undefined;
    expect(f?.producerReferenceTime).toEqual({ trackId: 1, wallClockMs: 1_700_000_000_500, mediaTime: 90000 });
  });

  it('rejects a box above maxBoxSize from its header, without buffering it', () => {
    const parser = new Fmp4Parser({ maxBoxSize: 1024 });
    parser.push(initSegment(tracks));
    const header = concat(u32(5000), ascii('mdat'));
    expect(() => parser.push(header)).toThrow(expect.objectContaining({ code: 'BOX_TOO_LARGE' }));
    expect(() => parser.push(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'FAILED' }));
  });

  it('rejects an unbounded size==0 box once it outgrows maxBoxSize', () => {
    const parser = new Fmp4Parser({ maxBoxSize: 100 });
    parser.push(concat(u32(0), ascii('mdat')));
    expect(() => parser.push(new Uint8Array(200))).toThrow(expect.objectContaining({ code: 'BOX_TOO_LARGE' }));
  });

  it('rejects a largesize box above the limit', () => {
    const parser = new Fmp4Parser();
    expect(() => parser.push(concat(u32(1), ascii('mdat'), u64(2 ** 40)))).toThrow(
      expect.objectContaining({ code: 'BOX_TOO_LARGE' }),
    );
  });

  it('fails fast on garbage instead of waiting for an absurd box', () => {
    const parser = new Fmp4Parser();
    expect(() => parser.push(Uint8Array.of(0, 0, 0, 16, 0xff, 0x00, 0x13, 0x37))).toThrow(Fmp4Error);
    expect(() => new Fmp4Parser().push(concat(u32(3), ascii('free')))).toThrow(
      expect.objectContaining({ code: 'INVALID_BOX' }),
    );
  });

  it('rejects a trun whose sample count does not fit the box', () => {
    const bad = concat(
      initSegment(tracks),
      box(
        'moof',
        fullBox('mfhd', 0, 0, u32(1)),
        box('traf', fullBox('tfhd', 0, 0x20000, u32(1)), fullBox('trun', 0, 0x300, u32(1_000_000_000))),
      ),
      box('mdat'),
    );
    expect(() => parseAll(bad)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });

  it('readFmp4 parses an async byte source', async () => {
    async function* source() {
      const bytes = sampleStream();
      for (let i = 0; i < bytes.length; i += 97) yield bytes.subarray(i, i + 97);
    }
    const types: string[] = [];
    for await (const event of readFmp4(source())) types.push(event.type);
    expect(types).toEqual(['init', 'fragment', 'fragment', 'fragment']);
  });
});

// Test-only writer of minimal, valid fragmented MP4 boxes, to drive the parser with exact inputs.

export function u8(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff);
}
export function u16(n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff);
}
export function u24(n: number): Uint8Array {
  return Uint8Array.of((n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}
export function u32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}
export function u64(n: number): Uint8Array {
  return concat(u32(Math.floor(n / 0x100000000)), u32(n >>> 0));
}
export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
export function zeros(n: number): Uint8Array {
  return new Uint8Array(n);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(...payload);
  return concat(u32(8 + body.length), ascii(type), body);
}

/** A box written with size==1 and a 64-bit largesize. */
export function largeBox(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(...payload);
  return concat(u32(1), ascii(type), u64(16 + body.length), body);
}

export function fullBox(type: string, version: number, flags: number, ...payload: Uint8Array[]): Uint8Array {
  return box(type, u8(version), u24(flags), ...payload);
}

export type VideoTrackSpec = {
  kind: 'video';
  id: number;
  timescale: number;
  width: number;
  height: number;
  /** avcC profile, compatibility, level. */
  avc?: [number, number, number];
  defaultSampleFlags?: number;
  defaultSampleDuration?: number;
};
export type AudioTrackSpec = {
  kind: 'audio';
  id: number;
  timescale: number;
  sampleRate: number;
  channels: number;
  audioObjectType?: number;
  defaultSampleDuration?: number;
};
export type TrackSpec = VideoTrackSpec | AudioTrackSpec;

function tkhd(id: number, width = 0, height = 0): Uint8Array {
  return fullBox(
    'tkhd',
    0,
    3,
    zeros(8),
    u32(id),
    zeros(4),
    u32(0),
    zeros(8),
    zeros(8),
    zeros(36),
    u32(width * 65536),
    u32(height * 65536),
  );
}

function mdhd(timescale: number): Uint8Array {
  // language "und" = 0x55C4
  return fullBox('mdhd', 0, 0, zeros(8), u32(timescale), u32(0), u16(0x55c4), u16(0));
}

function hdlr(handler: string): Uint8Array {
  return fullBox('hdlr', 0, 0, u32(0), ascii(handler), zeros(12), ascii('x\0'));
}

function descriptor(tag: number, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(...payload);
  return concat(u8(tag), u8(body.length), body);
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** ISO/IEC 14496-3 AudioSpecificConfig: object type, frequency index, channel configuration. */
function audioSpecificConfig(aot: number, sampleRate: number, channels: number): Uint8Array {
  const index = Math.max(0, AAC_RATES.indexOf(sampleRate));
  if (aot < 31) return Uint8Array.of((aot << 3) | (index >> 1), ((index & 1) << 7) | (channels << 3));
  const ext = aot - 32;
  return Uint8Array.of(
    (31 << 3) | (ext >> 3),
    ((ext & 0x7) << 5) | (index << 1) | (channels >> 3),
    (channels & 0x7) << 5,
  );
}

function sampleEntry(track: TrackSpec): Uint8Array {
  if (track.kind === 'video') {
    const [p, c, l] = track.avc ?? [0x64, 0x00, 0x1f];
    const avcC = box('avcC', Uint8Array.of(1, p, c, l, 0xff, 0xe0, 0x00));
    return box(
      'avc1',
      zeros(6),
      u16(1),
      zeros(16),
      u16(track.width),
      u16(track.height),
      u32(0x00480000),
      u32(0x00480000),
      zeros(4),
      u16(1),
      zeros(32),
      u16(0x18),
      u16(0xffff),
      avcC,
    );
  }
  const esds = fullBox(
    'esds',
    0,
    0,
    descriptor(
      0x03,
      u16(1),
      u8(0),
      descriptor(
        0x04,
        u8(0x40),
        u8(0x15),
        zeros(3),
        u32(128000),
        u32(128000),
        descriptor(0x05, audioSpecificConfig(track.audioObjectType ?? 2, track.sampleRate, track.channels)),
      ),
      descriptor(0x06, u8(2)),
    ),
  );
  return box(
    'mp4a',
    zeros(6),
    u16(1),
    zeros(8),
    u16(track.channels),
    u16(16),
    zeros(4),
    u32(track.sampleRate * 65536),
    esds,
  );
}

function trak(track: TrackSpec): Uint8Array {
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry(track)),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0), u32(0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  const minf = box('minf', stbl);
  const isVideo = track.kind === 'video';
  return box(
    'trak',
    tkhd(track.id, isVideo ? track.width : 0, isVideo ? track.height : 0),
    box('mdia', mdhd(track.timescale), hdlr(isVideo ? 'vide' : 'soun'), minf),
  );
}

export const FLAGS_SYNC = 0x02000000;
export const FLAGS_NON_SYNC = 0x01010000;

export function initSegment(tracks: TrackSpec[]): Uint8Array {
  const ftyp = box('ftyp', ascii('iso6'), u32(512), ascii('iso6'), ascii('cmfc'));
  const trex = tracks.map((t) =>
    fullBox(
      'trex',
      0,
      0,
      u32(t.id),
      u32(1),
      u32(t.defaultSampleDuration ?? 0),
      u32(0),
      u32(t.kind === 'video' ? (t.defaultSampleFlags ?? FLAGS_NON_SYNC) : FLAGS_SYNC),
    ),
  );
  const moov = box(
    'moov',
    fullBox('mvhd', 0, 0, zeros(8), u32(1000), zeros(88)),
    ...tracks.map(trak),
    box('mvex', ...trex),
  );
  return concat(ftyp, moov);
}

export type SampleSpec = { duration?: number; size?: number; flags?: number };
export type TrafSpec = {
  trackId: number;
  baseMediaDecodeTime?: number;
  tfdtVersion?: 0 | 1;
  samples: SampleSpec[];
  /** Write first_sample_flags in trun instead of per-sample flags. */
  firstSampleFlags?: number;
  /** tfhd defaults (and omit the corresponding per-sample fields). */
  defaultDuration?: number;
  defaultSize?: number;
  defaultFlags?: number;
  /** Write no sample flags anywhere, so the trex default applies. */
  omitFlags?: boolean;
};

function traf(spec: TrafSpec): Uint8Array {
  let tfhdFlags = 0x20000; // default-base-is-moof
  const tfhdFields: Uint8Array[] = [u32(spec.trackId)];
  if (spec.defaultDuration !== undefined) {
    tfhdFlags |= 0x8;
    tfhdFields.push(u32(spec.defaultDuration));
  }
  if (spec.defaultSize !== undefined) {
    tfhdFlags |= 0x10;
    tfhdFields.push(u32(spec.defaultSize));
  }
  if (spec.defaultFlags !== undefined) {
    tfhdFlags |= 0x20;
    tfhdFields.push(u32(spec.defaultFlags));
  }
  const children = [fullBox('tfhd', 0, tfhdFlags, ...tfhdFields)];
  if (spec.baseMediaDecodeTime !== undefined) {
    const v = spec.tfdtVersion ?? 1;
    children.push(fullBox('tfdt', v, 0, v === 1 ? u64(spec.baseMediaDecodeTime) : u32(spec.baseMediaDecodeTime)));
  }
  let trunFlags = 0x1; // data offset (value not checked by the parser)
  if (spec.firstSampleFlags !== undefined) trunFlags |= 0x4;
  const perDuration = spec.defaultDuration === undefined;
  const perSize = spec.defaultSize === undefined;
  const perFlags = spec.defaultFlags === undefined && spec.firstSampleFlags === undefined && !spec.omitFlags;
  if (perDuration) trunFlags |= 0x100;
  if (perSize) trunFlags |= 0x200;
  if (perFlags) trunFlags |= 0x400;
  const fields: Uint8Array[] = [u32(spec.samples.length), u32(0)];
  if (spec.firstSampleFlags !== undefined) fields.push(u32(spec.firstSampleFlags));
  for (const s of spec.samples) {
    if (perDuration) fields.push(u32(s.duration ?? 0));
    if (perSize) fields.push(u32(s.size ?? 0));
    if (perFlags) fields.push(u32(s.flags ?? 0));
  }
  children.push(fullBox('trun', 0, trunFlags, ...fields));
  return box('traf', ...children);
}

export function moof(sequence: number, trafs: TrafSpec[]): Uint8Array {
  return box('moof', fullBox('mfhd', 0, 0, u32(sequence)), ...trafs.map(traf));
}

/** moof + mdat whose payload size matches the declared sample sizes. */
export function fragment(sequence: number, trafs: TrafSpec[], options: { largeMdat?: boolean } = {}): Uint8Array {
  const dataSize = trafs.reduce((n, t) => n + t.samples.reduce((m, s) => m + (t.defaultSize ?? s.size ?? 0), 0), 0);
  const payload = new Uint8Array(dataSize).map((_, i) => (i * 7 + sequence) & 0xff);
  const mdat = options.largeMdat ? largeBox('mdat', payload) : box('mdat', payload);
  return concat(moof(sequence, trafs), mdat);
}

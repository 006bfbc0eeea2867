// Reads the track table of an init segment (ftyp + moov, ISO/IEC 14496-12 §8.2-8.8).
import { type Box, ByteReader, childBoxes, findChild, findChildren, findPath, fourcc } from './box-reader.ts';
import {
  av1CodecString,
  avcCodecString,
  FIXED_CODEC_STRINGS,
  hevcCodecString,
  parseEsds,
  vp9CodecString,
} from './codec-string.ts';
import { Fmp4Error, Fmp4ErrorCode } from './errors.ts';
import { type InitSegment, type TrackDefaults, type TrackInfo, TrackKind } from './types.ts';

const VISUAL_SAMPLE_ENTRY_FIELDS = 70; // §12.1.3 after the 8-byte SampleEntry header
const AUDIO_SAMPLE_ENTRY_FIELDS = 20; // §12.2.3 (QuickTime v1/v2 sound descriptions add more)

export function parseFtyp(buf: Uint8Array, box: Box): { majorBrand: string; compatibleBrands: string[] } {
  const r = ByteReader.payload(buf, box);
  const majorBrand = r.fourcc();
  r.skip(4); // minor_version
  const compatibleBrands: string[] = [];
  while (r.remaining >= 4) compatibleBrands.push(r.fourcc());
  return { majorBrand, compatibleBrands };
}

/** Builds an InitSegment from the already-split ftyp (optional) and moov buffers. */
export function parseInitSegment(ftyp: Uint8Array | undefined, moov: Uint8Array): InitSegment {
  const moovBox: Box = { type: 'moov', start: 0, headerSize: headerSizeOf(moov), end: moov.length };
  const brands = ftyp
    ? parseFtyp(ftyp, { type: 'ftyp', start: 0, headerSize: headerSizeOf(ftyp), end: ftyp.length })
    : undefined;
  const mvhd = findChild(moov, moovBox, 'mvhd');
  let movieTimescale = 0;
  if (mvhd) {
    const r = ByteReader.payload(moov, mvhd);
    const { version } = r.fullBox();
    r.skip(version === 1 ? 16 : 8);
    movieTimescale = r.u32();
  }
  const defaults = new Map<number, TrackDefaults>();
  const mvex = findChild(moov, moovBox, 'mvex');
  if (mvex) {
    for (const trex of findChildren(moov, mvex, 'trex')) {
      const r = ByteReader.payload(moov, trex);
      r.fullBox();
      const trackId = r.u32();
      defaults.set(trackId, {
        sampleDescriptionIndex: r.u32(),
        sampleDuration: r.u32(),
        sampleSize: r.u32(),
        sampleFlags: r.u32(),
      });
    }
  }
  const tracks = findChildren(moov, moovBox, 'trak').map((trak) => parseTrak(moov, trak, defaults));
  let bytes = moov;
  if (ftyp) {
    bytes = new Uint8Array(ftyp.length + moov.length);
    bytes.set(ftyp, 0);
    bytes.set(moov, ftyp.length);
  }
  return {
    bytes,
    majorBrand: brands?.majorBrand ?? '',
    compatibleBrands: brands?.compatibleBrands ?? [],
    movieTimescale,
    tracks,
  };
}

function headerSizeOf(buf: Uint8Array): number {
  return buf.length >= 8 && buf[0] === 0 && buf[1] === 0 && buf[2] === 0 && buf[3] === 1 ? 16 : 8;
}

function parseTrak(buf: Uint8Array, trak: Box, defaults: Map<number, TrackDefaults>): TrackInfo {
  const tkhd = findChild(buf, trak, 'tkhd');
  if (!tkhd) throw new Fmp4Error(Fmp4ErrorCode.Malformed, 'trak without tkhd');
  const tr = ByteReader.payload(buf, tkhd);
  const { version: tkhdVersion } = tr.fullBox();
  tr.skip(tkhdVersion === 1 ? 16 : 8);
  const id = tr.u32();
  tr.skip(4 + (tkhdVersion === 1 ? 8 : 4) + 8 + 8 + 36);
  const tkhdWidth = tr.remaining >= 8 ? tr.u32() / 65536 : 0;
  const tkhdHeight = tr.remaining >= 4 ? tr.u32() / 65536 : 0;

  const mdia = findChild(buf, trak, 'mdia');
  if (!mdia) throw new Fmp4Error(Fmp4ErrorCode.Malformed, `trak ${id} without mdia`);
  const mdhd = findChild(buf, mdia, 'mdhd');
  if (!mdhd) throw new Fmp4Error(Fmp4ErrorCode.Malformed, `trak ${id} without mdhd`);
  const mr = ByteReader.payload(buf, mdhd);
  const { version: mdhdVersion } = mr.fullBox();
  mr.skip(mdhdVersion === 1 ? 16 : 8);
  const timescale = mr.u32();
  mr.skip(mdhdVersion === 1 ? 8 : 4);
  const language = decodeLanguage(mr.remaining >= 2 ? mr.u16() : 0);

  const hdlr = findChild(buf, mdia, 'hdlr');
  let handler = '';
  if (hdlr) {
    const hr = ByteReader.payload(buf, hdlr);
    hr.fullBox();
    hr.skip(4);
    handler = hr.fourcc();
  }
  const kind = handler === 'vide' ? TrackKind.Video : handler === 'soun' ? TrackKind.Audio : TrackKind.Other;

  const track: TrackInfo = {
    id,
    handler,
    kind,
    timescale,
    sampleEntry: '',
    codec: undefined,
    language,
    defaults: defaults.get(id) ?? { sampleDescriptionIndex: 1, sampleDuration: 0, sampleSize: 0, sampleFlags: 0 },
  };
  const stsd = findPath(buf, mdia, ['minf', 'stbl', 'stsd']);
  if (stsd) readSampleEntry(buf, stsd, track);
  if (kind === TrackKind.Video && track.width === undefined && tkhdWidth > 0) {
    track.width = Math.round(tkhdWidth);
    track.height = Math.round(tkhdHeight);
  }
  return track;
}

/** mdhd language: three 5-bit letters offset by 0x60 (§8.4.2.3). */
function decodeLanguage(packed: number): string {
  if (packed === 0) return 'und';
  return String.fromCharCode(((packed >> 10) & 0x1f) + 0x60, ((packed >> 5) & 0x1f) + 0x60, (packed & 0x1f) + 0x60);
}

function readSampleEntry(buf: Uint8Array, stsd: Box, track: TrackInfo): void {
  const r = ByteReader.payload(buf, stsd);
  r.fullBox();
  if (r.u32() < 1) return;
  // The first entry describes the stream; multiple entries in one live stream are not expected.
  const [entry] = childBoxes(buf, r.offset, stsd.end);
  if (!entry) return;
  let type = entry.type;
  const er = ByteReader.payload(buf, entry);
  er.skip(8); // reserved + data_reference_index
  let childrenStart: number;
  if (track.kind === TrackKind.Video) {
    er.skip(16);
    track.width = er.u16();
    track.height = er.u16();
    childrenStart = entry.start + entry.headerSize + 8 + VISUAL_SAMPLE_ENTRY_FIELDS;
  } else if (track.kind === TrackKind.Audio) {
    const soundVersion = er.u16();
    er.skip(6);
    track.channelCount = er.u16();
    er.skip(6);
    track.sampleRate = er.u32() >>> 16;
    const extra = soundVersion === 1 ? 16 : soundVersion === 2 ? 36 : 0;
    childrenStart = entry.start + entry.headerSize + 8 + AUDIO_SAMPLE_ENTRY_FIELDS + extra;
  } else {
    track.sampleEntry = type;
    track.codec = FIXED_CODEC_STRINGS[type];
    return;
  }
  const children = new Map<string, Box>();
  for (const child of childBoxes(buf, childrenStart, entry.end)) children.set(child.type, child);
  // Protected entries (encv/enca) name the original format in sinf/frma (§8.12).
  const frma = children.get('sinf') && findChild(buf, children.get('sinf')!, 'frma');
  if (frma) type = fourcc(buf, frma.start + frma.headerSize);
  track.sampleEntry = type;
  const payload = (name: string): Uint8Array | undefined => {
    const box = children.get(name);
    return box && buf.subarray(box.start + box.headerSize, box.end);
  };
  track.codec = codecFor(type, payload);
  const esds = type === 'mp4a' ? payload('esds') : undefined;
  if (esds) {
    const config = parseEsds(esds);
    track.channelCount = config.channels ?? track.channelCount;
    track.sampleRate = config.sampleRate ?? track.sampleRate;
  }
}

function codecFor(type: string, payload: (name: string) => Uint8Array | undefined): string | undefined {
  switch (type) {
    case 'avc1':
    case 'avc3': {
      const avcC = payload('avcC');
      return avcC ? avcCodecString(type, avcC) : type;
    }
    case 'hvc1':
    case 'hev1': {
      const hvcC = payload('hvcC');
      return hvcC ? hevcCodecString(type, hvcC) : type;
    }
    case 'av01': {
      const av1C = payload('av1C');
      return av1C ? av1CodecString(av1C) : type;
    }
    case 'vp09':
    case 'vp08': {
      const vpcC = payload('vpcC');
      return vpcC ? vp9CodecString(type, vpcC) : type;
    }
    case 'mp4a': {
      const esds = payload('esds');
      return esds ? parseEsds(esds).codec : 'mp4a.40.2';
    }
    default:
      return FIXED_CODEC_STRINGS[type];
  }
}

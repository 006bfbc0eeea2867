// RFC 6381 codec strings built from sample entry configuration boxes, for the HLS CODECS attribute
// (RFC 8216bis §4.4.6.2). Each function takes the configuration record payload (after the box header).
import { ByteReader } from './box-reader.ts';

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** avcC (ISO/IEC 14496-15 §5.3.3.1): `avc1.PPCCLL` = profile_idc, constraint flags, level_idc. */
export function avcCodecString(sampleEntry: string, avcC: Uint8Array): string {
  if (avcC.length < 4) return sampleEntry;
  return `${sampleEntry}.${hex2(avcC[1]!)}${hex2(avcC[2]!)}${hex2(avcC[3]!)}`;
}

function reverseBits32(n: number): number {
  let out = 0;
  for (let i = 0; i < 32; i++) {
    out = (out << 1) | ((n >>> i) & 1);
  }
  return out >>> 0;
}

/**
 * hvcC (ISO/IEC 14496-15 §8.3.3.1) -> `hvc1.{space}{profile}.{compat}.{tier}{level}.{constraints}`
 * per ISO/IEC 14496-15 Annex E: compatibility flags bit-reversed in hex, trailing zero constraint
 * bytes omitted.
 */
export function hevcCodecString(sampleEntry: string, hvcC: Uint8Array): string {
  if (hvcC.length < 13) return sampleEntry;
  const r = new ByteReader(hvcC);
  r.u8(); // configurationVersion
  const b = r.u8();
  const space = ['', 'A', 'B', 'C'][b >> 6]!;
  const tier = (b >> 5) & 1 ? 'H' : 'L';
  const profile = b & 0x1f;
  const compat = reverseBits32(r.u32()).toString(16).toUpperCase();
  const constraints = Array.from(r.bytes(6));
  const level = r.u8();
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const tail = constraints.map((c) => `.${hex2(c)}`).join('');
  return `${sampleEntry}.${space}${profile}.${compat}.${tier}${level}${tail}`;
}

/** av1C (AV1 ISOBMFF binding §2.3.3) -> `av01.P.LLT.DD` (the short form of AV1 codecs parameter). */
export function av1CodecString(av1C: Uint8Array): string {
  if (av1C.length < 3) return 'av01';
  const profile = av1C[1]! >> 5;
  const level = av1C[1]! & 0x1f;
  const tier = av1C[2]! >> 7 ? 'H' : 'M';
  const high = (av1C[2]! >> 6) & 1;
  const twelve = (av1C[2]! >> 5) & 1;
  const depth = high ? (twelve ? 12 : 10) : 8;
  return `av01.${profile}.${String(level).padStart(2, '0')}${tier}.${String(depth).padStart(2, '0')}`;
}

/** vpcC (VP codec ISOBMFF binding, a FullBox) -> `vp09.PP.LL.DD`. */
export function vp9CodecString(sampleEntry: string, vpcC: Uint8Array): string {
  if (vpcC.length < 7) return sampleEntry;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sampleEntry}.${pad(vpcC[4]!)}.${pad(vpcC[5]!)}.${pad(vpcC[6]! >> 4)}`;
}

/** ISO/IEC 14496-1 §8.3.3 expandable size: up to four 7-bit groups. */
function descriptorSize(r: ByteReader): number {
  let size = 0;
  for (let i = 0; i < 4; i++) {
    const b = r.u8();
    size = (size << 7) | (b & 0x7f);
    if (!(b & 0x80)) break;
  }
  return size;
}

export type Mp4aConfig = {
  codec: string;
  /** From the AudioSpecificConfig; the sample entry's channelcount is only a template (often 2). */
  channels?: number;
  sampleRate?: number;
};

/** ISO/IEC 14496-3 §1.6.3.4 samplingFrequencyIndex. */
const AAC_SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
/** ISO/IEC 14496-3 §1.6.3.5 channelConfiguration (0 = defined in a program config element). */
const AAC_CHANNELS = [0, 1, 2, 3, 4, 5, 6, 8];

/**
 * esds payload (a FullBox holding an ES_Descriptor): `mp4a.40.{audioObjectType}` for MPEG-4 audio
 * (objectTypeIndication 0x40), `mp4a.{OTI}` otherwise (e.g. mp4a.6B for MP3), plus the channel
 * count and sample rate from the AudioSpecificConfig.
 */
export function parseEsds(esds: Uint8Array): Mp4aConfig {
  try {
    const r = new ByteReader(esds);
    r.fullBox();
    if (r.u8() !== 0x03) return { codec: 'mp4a' };
    descriptorSize(r);
    r.skip(2); // ES_ID
    const flags = r.u8();
    if (flags & 0x80) r.skip(2); // dependsOn_ES_ID
    if (flags & 0x40) r.skip(r.u8()); // URL
    if (flags & 0x20) r.skip(2); // OCR_ES_Id
    if (r.u8() !== 0x04) return { codec: 'mp4a' };
    descriptorSize(r);
    const oti = r.u8();
    if (oti !== 0x40) return { codec: `mp4a.${hex2(oti)}` };
    r.skip(12); // streamType .. avgBitrate
    if (r.remaining === 0 || r.u8() !== 0x05) return { codec: 'mp4a.40.2' };
    const size = descriptorSize(r);
    // AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1), a bit string.
    const bits = new BitReader(r.bytes(Math.min(size, r.remaining)));
    let aot = bits.read(5);
    if (aot === 31) aot = 32 + bits.read(6);
    const frequencyIndex = bits.read(4);
    const sampleRate = frequencyIndex === 0xf ? bits.read(24) : AAC_SAMPLE_RATES[frequencyIndex];
    const channelConfiguration = bits.read(4);
    const channels = AAC_CHANNELS[channelConfiguration] || undefined;
    return { codec: `mp4a.40.${aot}`, channels, sampleRate };
  } catch {
    return { codec: 'mp4a' };
  }
}

export function mp4aCodecString(esds: Uint8Array): string {
  return parseEsds(esds).codec;
}

/** MSB-first bit reader; reading past the end throws (caught by the caller). */
class BitReader {
  readonly #bytes: Uint8Array;
  #bit = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  read(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++, this.#bit++) {
      const byte = this.#bytes[this.#bit >> 3];
      if (byte === undefined) throw new RangeError('AudioSpecificConfig too short');
      value = value * 2 + ((byte >> (7 - (this.#bit & 7))) & 1);
    }
    return value;
  }
}

/** Sample entries whose codec string is a constant. */
export const FIXED_CODEC_STRINGS: Readonly<Record<string, string>> = {
  Opus: 'opus',
  fLaC: 'flac',
  'ac-3': 'ac-3',
  'ec-3': 'ec-3',
  'ac-4': 'ac-4',
  wvtt: 'wvtt',
  stpp: 'stpp.ttml.im1t',
};

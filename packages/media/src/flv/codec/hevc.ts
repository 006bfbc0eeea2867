// HEVC: HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1) and the start of the SPS
// (ITU-T H.265 §7.3.2.2) up to the conformance window, which is where the picture size lives.
import { FlvFormatError } from '../errors.ts';
import { BitReader, unescapeRbsp } from './bit-reader.ts';
import { readParameterSets } from './parameter-sets.ts';
import type { VideoCodecInfo } from './types.ts';

export type HevcDecoderConfigurationRecord = {
  profileSpace: number;
  tierFlag: number;
  profileIdc: number;
  profileCompatibilityFlags: number;
  constraintIndicatorFlags: Uint8Array;
  levelIdc: number;
  chromaFormat: number;
  bitDepthLuma: number;
  /** avgFrameRate in frames per 256 s; 0 = unspecified. */
  avgFrameRate: number;
  nalLengthSize: number;
  /** NAL units by nal_unit_type (32 VPS, 33 SPS, 34 PPS, 39/40 SEI). */
  nalUnits: Map<number, Uint8Array[]>;
};

export const HevcNalType = { Vps: 32, Sps: 33, Pps: 34 } as const;

export function parseHevcDecoderConfigurationRecord(data: Uint8Array): HevcDecoderConfigurationRecord {
  if (data.length < 23 || data[0] !== 1) throw new FlvFormatError('not an HEVCDecoderConfigurationRecord');
  const nalUnits = new Map<number, Uint8Array[]>();
  let offset = 23;
  const arrays = data[22]!;
  for (let i = 0; i < arrays; i++) {
    if (offset + 3 > data.length) throw new FlvFormatError('HEVC record truncated');
    const type = data[offset]! & 0x3f;
    const count = (data[offset + 1]! << 8) | data[offset + 2]!;
    offset += 3;
    const read = readParameterSets(data, offset, count, 'HEVC');
    offset = read.offset;
    nalUnits.set(type, [...(nalUnits.get(type) ?? []), ...read.sets]);
  }
  return {
    profileSpace: data[1]! >> 6,
    tierFlag: (data[1]! >> 5) & 1,
    profileIdc: data[1]! & 0x1f,
    profileCompatibilityFlags: ((data[2]! << 24) | (data[3]! << 16) | (data[4]! << 8) | data[5]!) >>> 0,
    constraintIndicatorFlags: data.subarray(6, 12),
    levelIdc: data[12]!,
    chromaFormat: data[16]! & 0x03,
    bitDepthLuma: (data[17]! & 0x07) + 8,
    avgFrameRate: (data[19]! << 8) | data[20]!,
    nalLengthSize: (data[21]! & 0x03) + 1,
    nalUnits,
  };
}

export type HevcSps = {
  profileIdc: number;
  levelIdc: number;
  chromaFormatIdc: number;
  width: number;
  height: number;
  bitDepthLuma: number;
};

/** Parses an SPS NAL unit (with its two-byte NAL header). */
export function parseHevcSps(nal: Uint8Array): HevcSps {
  if (nal.length < 4 || ((nal[0]! >> 1) & 0x3f) !== HevcNalType.Sps) throw new FlvFormatError('not an HEVC SPS');
  const r = new BitReader(unescapeRbsp(nal.subarray(2)));
  r.readBits(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.readBits(3);
  r.readBit(); // sps_temporal_id_nesting_flag
  // profile_tier_level(1, maxSubLayersMinus1), §7.3.3
  r.readBits(3); // general_profile_space, general_tier_flag
  const profileIdc = r.readBits(5);
  r.skipBits(32 + 48); // compatibility flags, progressive/interlaced/... + reserved constraint bits
  const levelIdc = r.readBits(8);
  const subLayerProfile: boolean[] = [];
  const subLayerLevel: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    subLayerProfile.push(r.readBit() === 1);
    subLayerLevel.push(r.readBit() === 1);
  }
  if (maxSubLayersMinus1 > 0) r.skipBits(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (subLayerProfile[i]) r.skipBits(88);
    if (subLayerLevel[i]) r.skipBits(8);
  }
  r.readUE(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.readUE();
  let separateColourPlane = false;
  if (chromaFormatIdc === 3) separateColourPlane = r.readBit() === 1;
  let width = r.readUE();
  let height = r.readUE();
  if (r.readBit()) {
    // conformance_window offsets are in chroma units (§7.4.3.2.1)
    const chroma = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chroma === 1 || chroma === 2 ? 2 : 1;
    const subHeightC = chroma === 1 ? 2 : 1;
    width -= subWidthC * (r.readUE() + r.readUE());
    height -= subHeightC * (r.readUE() + r.readUE());
  }
  const bitDepthLuma = r.readUE() + 8;
  return { profileIdc, levelIdc, chromaFormatIdc, width, height, bitDepthLuma };
}

function reverseBits32(v: number): number {
  let out = 0;
  for (let i = 0; i < 32; i++) out = out * 2 + ((v >>> i) & 1);
  return out;
}

/** RFC 6381 / ISO/IEC 14496-15 Annex E codec string, e.g. "hvc1.1.6.L93.B0". */
export function hevcCodecString(record: HevcDecoderConfigurationRecord): string {
  const space = ['', 'A', 'B', 'C'][record.profileSpace] ?? '';
  const compat = reverseBits32(record.profileCompatibilityFlags).toString(16).toUpperCase();
  const constraints = Array.from(record.constraintIndicatorFlags);
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const tier = record.tierFlag ? 'H' : 'L';
  const suffix = constraints.map((b) => `.${b.toString(16).toUpperCase()}`).join('');
  return `hvc1.${space}${record.profileIdc}.${compat}.${tier}${record.levelIdc}${suffix}`;
}

export function hevcCodecInfo(recordBytes: Uint8Array): VideoCodecInfo {
  const record = parseHevcDecoderConfigurationRecord(recordBytes);
  const info: VideoCodecInfo = {
    codec: 'hevc',
    codecString: hevcCodecString(record),
    profile: record.profileIdc,
    level: record.levelIdc,
    bitDepth: record.bitDepthLuma,
    chromaFormat: record.chromaFormat,
  };
  if (record.avgFrameRate > 0) info.fps = record.avgFrameRate / 256;
  const sps = record.nalUnits.get(HevcNalType.Sps)?.[0];
  if (sps) {
    const parsed = parseHevcSps(sps);
    info.width = parsed.width;
    info.height = parsed.height;
    info.chromaFormat = parsed.chromaFormatIdc;
    info.bitDepth = parsed.bitDepthLuma;
  }
  return info;
}

// H.264: AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) and the sequence parameter
// set (ITU-T H.264 §7.3.2.1.1, VUI Annex E.1.1) for picture size, profile, level and frame rate.
import { FlvFormatError } from '../errors.ts';
import { BitReader, unescapeRbsp } from './bit-reader.ts';
import { readParameterSets } from './parameter-sets.ts';
import type { VideoCodecInfo } from './types.ts';

export type AvcDecoderConfigurationRecord = {
  profile: number;
  profileCompatibility: number;
  level: number;
  nalLengthSize: number;
  sps: Uint8Array[];
  pps: Uint8Array[];
};

export type H264Sps = {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  width: number;
  height: number;
  frameMbsOnly: boolean;
  /** time_scale / (2 * num_units_in_tick), when the VUI carries timing info. */
  fps?: number;
  sarWidth?: number;
  sarHeight?: number;
};

export function parseAvcDecoderConfigurationRecord(data: Uint8Array): AvcDecoderConfigurationRecord {
  if (data.length < 7 || data[0] !== 1) throw new FlvFormatError('not an AVCDecoderConfigurationRecord');
  let offset = 5;
  const readSets = (count: number): Uint8Array[] => {
    const read = readParameterSets(data, offset, count, 'AVC');
    offset = read.offset;
    return read.sets;
  };
  const sps = readSets(data[offset++]! & 0x1f);
  const pps = offset < data.length ? readSets(data[offset++]!) : [];
  return {
    profile: data[1]!,
    profileCompatibility: data[2]!,
    level: data[3]!,
    nalLengthSize: (data[4]! & 0x03) + 1,
    sps,
    pps,
  };
}

// Profiles whose SPS carries chroma_format_idc and the bit depths (§7.3.2.1.1).
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Parses an SPS NAL unit (with its one-byte NAL header). */
export function parseH264Sps(nal: Uint8Array): H264Sps {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== 7) throw new FlvFormatError('not an H.264 SPS NAL unit');
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profileIdc = r.readBits(8);
  const constraintFlags = r.readBits(8);
  const levelIdc = r.readBits(8);
  r.readUE(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let bitDepthLuma = 8;
  let separateColourPlane = false;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.readUE();
    if (chromaFormatIdc === 3) separateColourPlane = r.readBit() === 1;
    bitDepthLuma = r.readUE() + 8;
    r.readUE(); // bit_depth_chroma_minus8
    r.readBit(); // qpprime_y_zero_transform_bypass_flag
    if (r.readBit()) {
      // seq_scaling_matrix_present_flag: skip the lists (§7.3.2.1.1.1), they only need parsing past
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) {
        if (!r.readBit()) continue;
        const size = i < 6 ? 16 : 64;
        let last = 8;
        let next = 8;
        for (let j = 0; j < size && next !== 0; j++) {
          next = (last + r.readSE() + 256) % 256;
          last = next === 0 ? last : next;
        }
      }
    }
  }
  r.readUE(); // log2_max_frame_num_minus4
  const pocType = r.readUE();
  if (pocType === 0) {
    r.readUE(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (pocType === 1) {
    r.readBit(); // delta_pic_order_always_zero_flag
    r.readSE(); // offset_for_non_ref_pic
    r.readSE(); // offset_for_top_to_bottom_field
    const cycle = r.readUE();
    if (cycle > 255) throw new FlvFormatError('SPS: num_ref_frames_in_pic_order_cnt_cycle out of range');
    for (let i = 0; i < cycle; i++) r.readSE();
  }
  r.readUE(); // max_num_ref_frames
  r.readBit(); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.readUE() + 1;
  const heightInMapUnits = r.readUE() + 1;
  const frameMbsOnly = r.readBit() === 1;
  if (!frameMbsOnly) r.readBit(); // mb_adaptive_frame_field_flag
  r.readBit(); // direct_8x8_inference_flag
  let crop = [0, 0, 0, 0];
  if (r.readBit()) crop = [r.readUE(), r.readUE(), r.readUE(), r.readUE()];
  // Crop units (§7.4.2.1.1, Table 6-1): in chroma samples unless monochrome / separate planes.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (frameMbsOnly ? 1 : 2);
  const sps: H264Sps = {
    profileIdc,
    constraintFlags,
    levelIdc,
    chromaFormatIdc,
    bitDepthLuma,
    width: widthInMbs * 16 - cropUnitX * (crop[0]! + crop[1]!),
    height: (frameMbsOnly ? 1 : 2) * heightInMapUnits * 16 - cropUnitY * (crop[2]! + crop[3]!),
    frameMbsOnly,
  };
  try {
    if (r.readBit()) parseVui(r, sps);
  } catch {
    // A truncated VUI still leaves a usable size and profile.
  }
  return sps;
}

/** VUI up to timing_info (Annex E.1.1). */
function parseVui(r: BitReader, sps: H264Sps): void {
  if (r.readBit()) {
    const aspectRatioIdc = r.readBits(8);
    if (aspectRatioIdc === 255) {
      sps.sarWidth = r.readBits(16);
      sps.sarHeight = r.readBits(16);
    }
  }
  if (r.readBit()) r.readBit(); // overscan_info_present_flag -> overscan_appropriate_flag
  if (r.readBit()) {
    r.readBits(4); // video_format, video_full_range_flag
    if (r.readBit()) r.readBits(24); // colour_primaries, transfer_characteristics, matrix_coefficients
  }
  if (r.readBit()) {
    r.readUE(); // chroma_sample_loc_type_top_field
    r.readUE(); // chroma_sample_loc_type_bottom_field
  }
  if (r.readBit()) {
    const numUnitsInTick = r.readBits(32);
    const timeScale = r.readBits(32);
    // One frame = two ticks (field-based clock, E.2.1).
    if (numUnitsInTick > 0 && timeScale > 0) sps.fps = timeScale / (2 * numUnitsInTick);
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Codec info from an AVCDecoderConfigurationRecord (the AVC sequence header payload). */
export function avcCodecInfo(record: Uint8Array): VideoCodecInfo {
  const config = parseAvcDecoderConfigurationRecord(record);
  const info: VideoCodecInfo = {
    codec: 'avc',
    codecString: `avc1.${hex2(config.profile)}${hex2(config.profileCompatibility)}${hex2(config.level)}`,
    profile: config.profile,
    level: config.level,
  };
  const first = config.sps[0];
  if (first) {
    const sps = parseH264Sps(first);
    info.width = sps.width;
    info.height = sps.height;
    info.bitDepth = sps.bitDepthLuma;
    info.chromaFormat = sps.chromaFormatIdc;
    if (sps.fps !== undefined) info.fps = sps.fps;
  }
  return info;
}

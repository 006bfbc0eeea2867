// AV1: AV1CodecConfigurationRecord ("AV1 Codec ISO Media File Format Binding" §2.3) and the
// sequence header OBU it carries (AV1 bitstream spec §5.5) for the maximum frame size and timing.
import { FlvFormatError } from '../errors.ts';
import { BitReader } from './bit-reader.ts';
import type { VideoCodecInfo } from './types.ts';

export type Av1SequenceHeader = {
  profile: number;
  level: number;
  tier: number;
  maxWidth: number;
  maxHeight: number;
  fps?: number;
};

const OBU_SEQUENCE_HEADER = 1;

/** Finds and parses the sequence header OBU in a run of low-overhead OBUs (configOBUs). */
export function parseAv1SequenceHeaderObus(obus: Uint8Array): Av1SequenceHeader | undefined {
  let offset = 0;
  while (offset < obus.length) {
    const header = obus[offset]!;
    const type = (header >> 3) & 0x0f;
    const hasExtension = (header & 0x04) !== 0;
    const hasSize = (header & 0x02) !== 0;
    offset += hasExtension ? 2 : 1;
    let size = obus.length - offset;
    if (hasSize) {
      // leb128 (§4.10.5)
      size = 0;
      for (let i = 0; i < 8; i++) {
        if (offset >= obus.length) throw new FlvFormatError('AV1 OBU truncated');
        const byte = obus[offset++]!;
        size += (byte & 0x7f) * 2 ** (7 * i);
        if ((byte & 0x80) === 0) break;
      }
    }
    if (offset + size > obus.length) throw new FlvFormatError('AV1 OBU truncated');
    if (type === OBU_SEQUENCE_HEADER) return parseSequenceHeader(obus.subarray(offset, offset + size));
    offset += size;
  }
  return undefined;
}

function uvlc(r: BitReader): number {
  let zeros = 0;
  while (r.readBit() === 0) {
    if (++zeros >= 32) return 2 ** 32 - 1;
  }
  return r.readBits(zeros) + 2 ** zeros - 1;
}

function parseSequenceHeader(payload: Uint8Array): Av1SequenceHeader {
  const r = new BitReader(payload);
  const profile = r.readBits(3);
  r.readBit(); // still_picture
  const reduced = r.readBit() === 1;
  let level = 0;
  let tier = 0;
  let fps: number | undefined;
  if (reduced) {
    level = r.readBits(5);
  } else {
    let decoderModelInfo = false;
    let bufferDelayLength = 0;
    if (r.readBit()) {
      const unitsInDisplayTick = r.readBits(32);
      const timeScale = r.readBits(32);
      let ticksPerPicture = 1;
      if (r.readBit()) ticksPerPicture = uvlc(r) + 1;
      if (unitsInDisplayTick > 0) fps = timeScale / (unitsInDisplayTick * ticksPerPicture);
      decoderModelInfo = r.readBit() === 1;
      if (decoderModelInfo) {
        bufferDelayLength = r.readBits(5) + 1;
        r.skipBits(32 + 5 + 5); // num_units_in_decoding_tick, removal/presentation time lengths
      }
    }
    const initialDisplayDelay = r.readBit() === 1;
    const operatingPoints = r.readBits(5) + 1;
    for (let i = 0; i < operatingPoints; i++) {
      r.readBits(12); // operating_point_idc
      const opLevel = r.readBits(5);
      const opTier = opLevel > 7 ? r.readBit() : 0;
      if (i === 0) {
        level = opLevel;
        tier = opTier;
      }
      if (decoderModelInfo && r.readBit()) r.skipBits(2 * bufferDelayLength + 1);
      if (initialDisplayDelay && r.readBit()) r.readBits(4);
    }
  }
  const widthBits = r.readBits(4) + 1;
  const heightBits = r.readBits(4) + 1;
  const maxWidth = r.readBits(widthBits) + 1;
  const maxHeight = r.readBits(heightBits) + 1;
  const header: Av1SequenceHeader = { profile, level, tier, maxWidth, maxHeight };
  if (fps !== undefined) header.fps = fps;
  return header;
}

/** Codec info from an AV1CodecConfigurationRecord (E-RTMP av01 SequenceStart payload). */
export function av1CodecInfo(record: Uint8Array): VideoCodecInfo {
  if (record.length < 4 || (record[0]! & 0x80) === 0) throw new FlvFormatError('not an AV1CodecConfigurationRecord');
  const profile = record[1]! >> 5;
  const level = record[1]! & 0x1f;
  const tier = record[2]! >> 7;
  const highBitdepth = (record[2]! >> 6) & 1;
  const twelveBit = (record[2]! >> 5) & 1;
  const bitDepth = highBitdepth ? (twelveBit ? 12 : 10) : 8;
  const info: VideoCodecInfo = {
    codec: 'av1',
    codecString: `av01.${profile}.${String(level).padStart(2, '0')}${tier ? 'H' : 'M'}.${String(bitDepth).padStart(2, '0')}`,
    profile,
    level,
    bitDepth,
  };
  const sequence = record.length > 4 ? parseAv1SequenceHeaderObus(record.subarray(4)) : undefined;
  if (sequence) {
    // The sequence header bounds the frame size; encoders streaming live set it to the frame size.
    info.width = sequence.maxWidth;
    info.height = sequence.maxHeight;
    if (sequence.fps !== undefined) info.fps = sequence.fps;
  }
  return info;
}

// VP9: VPCodecConfigurationRecord ("VP Codec ISO Media File Format Binding" §2.2) and the
// uncompressed header of a key frame (VP9 bitstream spec §6.2), where the frame size is coded.
import type { VideoCodecInfo } from './types.ts';
import { BitReader } from './bit-reader.ts';

/** The record may arrive with or without the vpcC FullBox version/flags prefix; both are accepted. */
export function vp9CodecInfo(record: Uint8Array): VideoCodecInfo {
  let body = record;
  if (record.length >= 12 && record[0] === 1 && record[1] === 0 && record[2] === 0 && record[3] === 0) {
    body = record.subarray(4);
  }
  const info: VideoCodecInfo = { codec: 'vp9' };
  if (body.length >= 3) {
    info.profile = body[0]!;
    info.level = body[1]!;
    info.bitDepth = body[2]! >> 4;
    const pad = (n: number) => String(n).padStart(2, '0');
    info.codecString = `vp09.${pad(info.profile)}.${pad(info.level)}.${pad(info.bitDepth)}`;
  }
  return info;
}

/** Frame size from a VP9 key frame, or undefined for inter frames and unparsable data. */
export function parseVp9KeyframeSize(frame: Uint8Array): { width: number; height: number } | undefined {
  try {
    const r = new BitReader(frame);
    if (r.readBits(2) !== 2) return undefined; // frame_marker
    const profile = r.readBit() | (r.readBit() << 1);
    if (profile === 3) r.readBit();
    if (r.readBit()) return undefined; // show_existing_frame
    if (r.readBit() !== 0) return undefined; // frame_type: 0 = KEY_FRAME
    r.readBits(2); // show_frame, error_resilient_mode
    if (r.readBits(24) !== 0x498342) return undefined; // frame_sync_code
    // color_config (§6.2.2)
    if (profile >= 2) r.readBit();
    const colorSpace = r.readBits(3);
    if (colorSpace !== 7) {
      r.readBit(); // color_range
      if (profile === 1 || profile === 3) r.readBits(3);
    } else if (profile === 1 || profile === 3) {
      r.readBit();
    }
    return { width: r.readBits(16) + 1, height: r.readBits(16) + 1 };
  } catch {
    return undefined;
  }
}

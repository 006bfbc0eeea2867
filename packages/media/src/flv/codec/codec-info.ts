// Codec info from FLV/RTMP tag bodies: dispatches sequence headers to the codec parsers and
// derives what legacy codecs without a sequence header reveal in their frames.
import type { AudioTagHeader } from '../audio-tag.ts';
import type { VideoTagHeader } from '../video-tag.ts';
import { aacCodecInfo } from './aac.ts';
import { av1CodecInfo } from './av1.ts';
import { avcCodecInfo } from './h264.ts';
import { hevcCodecInfo } from './hevc.ts';
import type { AudioCodecInfo, VideoCodecInfo } from './types.ts';
import { vp9CodecInfo } from './vp9.ts';

/**
 * Codec info for a video sequence header tag (legacy AVC/HEVC or E-RTMP SequenceStart). Throws
 * FlvFormatError/RangeError on a malformed record; returns a bare { codec } when unparsed.
 */
export function videoCodecInfo(header: VideoTagHeader, data: Uint8Array): VideoCodecInfo {
  const payload = data.subarray(header.payloadOffset);
  if (header.multitrack) return { codec: header.codec };
  switch (header.codec) {
    case 'avc':
      return avcCodecInfo(payload);
    case 'hevc':
      return hevcCodecInfo(payload);
    case 'av1':
      return av1CodecInfo(payload);
    case 'vp9':
      return vp9CodecInfo(payload);
    default:
      return { codec: header.codec };
  }
}

/** Codec info for an audio sequence header (AAC ASC, E-RTMP SequenceStart) or a legacy frame. */
export function audioCodecInfo(header: AudioTagHeader, data: Uint8Array): AudioCodecInfo {
  const payload = data.subarray(header.payloadOffset);
  if (header.codec === 'aac' && header.isSequenceHeader && !header.multitrack) return aacCodecInfo(payload);
  if (header.codec === 'opus' && header.isSequenceHeader) return opusCodecInfo(payload);
  if (header.codec === 'mp3' && !header.isSequenceHeader) {
    const frame = parseMpegAudioHeader(payload);
    if (frame) return { codec: 'mp3', ...frame };
  }
  const info: AudioCodecInfo = { codec: header.codec };
  if (!header.enhanced && header.codec !== 'aac') {
    if (header.legacyRate !== undefined) info.sampleRate = header.legacyRate;
    if (header.legacyChannels !== undefined) info.channels = header.legacyChannels;
  }
  return info;
}

/** OpusHead (RFC 7845 §5.1); Opus always decodes at 48 kHz. */
function opusCodecInfo(head: Uint8Array): AudioCodecInfo {
  const info: AudioCodecInfo = { codec: 'opus', codecString: 'opus', sampleRate: 48000 };
  if (head.length >= 10 && Buffer.from(head.subarray(0, 8)).toString('latin1') === 'OpusHead') info.channels = head[9]!;
  return info;
}

const MPEG_RATES = [44100, 48000, 32000] as const;

/** MPEG audio frame header (ISO/IEC 11172-3 §2.4.1.3): the FLV rate field cannot say 48 kHz. */
function parseMpegAudioHeader(frame: Uint8Array): { sampleRate: number; channels: number } | undefined {
  if (frame.length < 4 || frame[0] !== 0xff || (frame[1]! & 0xe0) !== 0xe0) return undefined;
  const version = (frame[1]! >> 3) & 0x03; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  const rate = MPEG_RATES[(frame[2]! >> 2) & 0x03];
  if (version === 1 || rate === undefined) return undefined;
  const divisor = version === 3 ? 1 : version === 2 ? 2 : 4;
  return { sampleRate: rate / divisor, channels: frame[3]! >> 6 === 3 ? 1 : 2 };
}

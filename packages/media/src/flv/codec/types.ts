import type { AudioCodec } from '../audio-tag.ts';
import type { VideoCodec } from '../video-tag.ts';

export type VideoCodecInfo = {
  codec: VideoCodec;
  /** RFC 6381 codec string (e.g. "avc1.64001f", "hvc1.1.6.L93.B0", "av01.0.04M.08") when derivable. */
  codecString?: string;
  width?: number;
  height?: number;
  /** Frames per second from the bitstream timing info (SPS VUI, AV1 timing_info) when present. */
  fps?: number;
  profile?: number;
  level?: number;
  bitDepth?: number;
  /** H.264 / HEVC: chroma_format_idc (1 = 4:2:0). */
  chromaFormat?: number;
};

export type AudioCodecInfo = {
  codec: AudioCodec;
  codecString?: string;
  sampleRate?: number;
  channels?: number;
  /** AAC audioObjectType (2 = LC, 5 = HE-AAC, 29 = HE-AACv2). */
  objectType?: number;
};

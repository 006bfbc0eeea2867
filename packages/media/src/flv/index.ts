// FLV and AMF for PHZZK: tag bodies shared with RTMP, a writer, a push reader, codec info from
// sequence headers, and a late-joiner live stream (HTTP-FLV). Node built-ins only.
export { Amf0Marker, Amf0Reader, decodeAmf0, encodeAmf0 } from './amf0.ts';
export { type Amf0Object, type Amf0Value, ecmaArray, isEcmaArray } from './amf-value.ts';
export { readAmf3Value } from './amf3.ts';
export {
  AacPacketType,
  type AudioCodec,
  type AudioPacketKind,
  AudioPacketType,
  type AudioTagHeader,
  parseAudioTagHeader,
  SoundFormat,
} from './audio-tag.ts';
export { ByteQueue } from './byte-queue.ts';
export { type AudioSpecificConfig, aacCodecInfo, parseAudioSpecificConfig } from './codec/aac.ts';
export { av1CodecInfo, parseAv1SequenceHeaderObus } from './codec/av1.ts';
export { audioCodecInfo, videoCodecInfo } from './codec/codec-info.ts';
export {
  type AvcDecoderConfigurationRecord,
  avcCodecInfo,
  type H264Sps,
  parseAvcDecoderConfigurationRecord,
  parseH264Sps,
} from './codec/h264.ts';
export {
  type HevcDecoderConfigurationRecord,
  type HevcSps,
  hevcCodecInfo,
  hevcCodecString,
  parseHevcDecoderConfigurationRecord,
  parseHevcSps,
} from './codec/hevc.ts';
export type { AudioCodecInfo, VideoCodecInfo } from './codec/types.ts';
export { parseVp9KeyframeSize, vp9CodecInfo } from './codec/vp9.ts';
export { AmfError, FlvFormatError } from './errors.ts';
export { createLiveFlvStream, type LiveFlvSource, type LiveFlvStreamOptions } from './live-stream.ts';
export { type FlvHeader, FlvReader, type FlvReaderOptions, parseFlv } from './reader.ts';
export { FLV_TAG_HEADER_SIZE, type FlvTag, type FlvTagKind, FlvTagType } from './tag.ts';
export { FlvTagScanner, type ScannedTag } from './tag-scanner.ts';
export { classifyTag } from './tag-flags.ts';
export {
  AvcPacketType,
  parseVideoTagHeader,
  type VideoCodec,
  VideoCodecId,
  VideoFourCc,
  VideoFrameType,
  type VideoPacketKind,
  VideoPacketType,
  type VideoTagHeader,
} from './video-tag.ts';
export {
  encodeFlv,
  encodeFlvHeader,
  encodeFlvTag,
  encodeScriptData,
  type FlvHeaderFlags,
  metadataTag,
} from './writer.ts';

// Video tag header: legacy VIDEODATA (FLV spec v10.1 E.4.3.1) and the Enhanced RTMP
// ExVideoTagHeader (veovera "Enhanced RTMP" v1 and v2: FourCC codecs, ModEx, multitrack).
import { FlvFormatError } from './errors.ts';
import { skipModEx } from './mod-ex.ts';

export const VideoFrameType = { Key: 1, Inter: 2, Disposable: 3, GeneratedKey: 4, Command: 5 } as const;

/** Legacy CodecID. 12 is not in the Adobe spec but widely used for HEVC (pre-E-RTMP CDN extension). */
export const VideoCodecId = {
  H263: 2,
  ScreenVideo: 3,
  Vp6: 4,
  Vp6Alpha: 5,
  ScreenVideo2: 6,
  Avc: 7,
  Hevc: 12,
} as const;

export const AvcPacketType = { SequenceHeader: 0, Nalu: 1, EndOfSequence: 2 } as const;

export const VideoPacketType = {
  SequenceStart: 0,
  CodedFrames: 1,
  SequenceEnd: 2,
  CodedFramesX: 3,
  Metadata: 4,
  Mpeg2TsSequenceStart: 5,
  Multitrack: 6,
  ModEx: 7,
} as const;

export const VideoFourCc = { Avc: 'avc1', Hevc: 'hvc1', Av1: 'av01', Vp9: 'vp09', Vp8: 'vp08' } as const;

export type VideoCodec = 'avc' | 'hevc' | 'av1' | 'vp9' | 'vp8' | 'h263' | 'vp6' | 'screen' | 'unknown';

export type VideoPacketKind = 'sequenceStart' | 'codedFrames' | 'sequenceEnd' | 'metadata' | 'command' | 'other';

export type VideoTagHeader = {
  codec: VideoCodec;
  /** Enhanced RTMP ExVideoTagHeader (IsExHeader bit set). */
  enhanced: boolean;
  /** Legacy CodecID, when not enhanced. */
  codecId?: number;
  /** E-RTMP FourCC, when enhanced and not a many-codec multitrack packet. */
  fourCc?: string;
  frameType: number;
  packet: VideoPacketKind;
  /** Random access point: a key frame carrying coded frames (sequence headers are not key frames). */
  keyframe: boolean;
  isSequenceHeader: boolean;
  /** Composition time offset in ms (AVC/HEVC coded frames), else 0. */
  compositionTime: number;
  multitrack: boolean;
  /** Offset of the codec payload: the configuration record or the coded frames. */
  payloadOffset: number;
};

const LEGACY_CODECS: Record<number, VideoCodec> = {
  2: 'h263',
  3: 'screen',
  4: 'vp6',
  5: 'vp6',
  6: 'screen',
  7: 'avc',
  12: 'hevc',
};

const FOURCC_CODECS: Record<string, VideoCodec> = { avc1: 'avc', hvc1: 'hevc', av01: 'av1', vp09: 'vp9', vp08: 'vp8' };

function si24(data: Uint8Array, offset: number): number {
  const v = (data[offset]! << 16) | (data[offset + 1]! << 8) | data[offset + 2]!;
  return v & 0x800000 ? v - 0x1000000 : v;
}

function need(data: Uint8Array, end: number): void {
  if (end > data.length) throw new FlvFormatError(`video tag truncated (${data.length} bytes, need ${end})`);
}

export function parseVideoTagHeader(data: Uint8Array): VideoTagHeader {
  need(data, 1);
  const first = data[0]!;
  if ((first & 0x80) === 0) return parseLegacy(data, first >> 4, first & 0x0f);
  return parseEnhanced(data, (first >> 4) & 0x07, first & 0x0f);
}

function parseLegacy(data: Uint8Array, frameType: number, codecId: number): VideoTagHeader {
  const codec = LEGACY_CODECS[codecId] ?? 'unknown';
  const header: VideoTagHeader = {
    codec,
    enhanced: false,
    codecId,
    frameType,
    packet: 'codedFrames',
    keyframe: false,
    isSequenceHeader: false,
    compositionTime: 0,
    multitrack: false,
    payloadOffset: 1,
  };
  if (frameType === VideoFrameType.Command) {
    header.packet = 'command';
    return header;
  }
  if (codec === 'avc' || codec === 'hevc') {
    // E.4.3.1: AVCPacketType UI8 + CompositionTime SI24 precede the payload.
    need(data, 5);
    const packetType = data[1]!;
    header.payloadOffset = 5;
    header.compositionTime = si24(data, 2);
    header.packet =
      packetType === AvcPacketType.SequenceHeader
        ? 'sequenceStart'
        : packetType === AvcPacketType.Nalu
          ? 'codedFrames'
          : packetType === AvcPacketType.EndOfSequence
            ? 'sequenceEnd'
            : 'other';
  } else if (codec === 'vp6') {
    header.payloadOffset = codecId === VideoCodecId.Vp6Alpha ? 5 : 2; // adjustment byte (+ alpha offset)
  }
  header.isSequenceHeader = header.packet === 'sequenceStart';
  header.keyframe = isKey(frameType) && header.packet === 'codedFrames';
  return header;
}

function parseEnhanced(data: Uint8Array, frameType: number, firstPacketType: number): VideoTagHeader {
  // E-RTMP v2 "ModEx": modifier extensions precede the real packet type; their data is skipped.
  let { packetType, offset } = skipModEx(data, 1, firstPacketType, 'video');
  const header: VideoTagHeader = {
    codec: 'unknown',
    enhanced: true,
    frameType,
    packet: 'other',
    keyframe: false,
    isSequenceHeader: false,
    compositionTime: 0,
    multitrack: false,
    payloadOffset: offset,
  };
  if (frameType === VideoFrameType.Command && packetType !== VideoPacketType.Metadata) {
    header.packet = 'command'; // one VideoCommand byte, no media
    return header;
  }
  if (packetType === VideoPacketType.Multitrack) {
    need(data, offset + 1);
    const multitrackType = data[offset]! >> 4;
    packetType = data[offset]! & 0x0f;
    offset++;
    header.multitrack = true;
    // AvMultitrackType.ManyTracksManyCodecs (2) carries a FourCC per track instead.
    if (multitrackType !== 2) offset = readFourCc(data, offset, header);
    header.payloadOffset = offset; // per-track records follow (trackId, size, body)
  } else {
    offset = readFourCc(data, offset, header);
    header.payloadOffset = offset;
  }
  switch (packetType) {
    case VideoPacketType.SequenceStart:
    case VideoPacketType.Mpeg2TsSequenceStart:
      header.packet = 'sequenceStart';
      break;
    case VideoPacketType.CodedFrames:
    case VideoPacketType.CodedFramesX:
      header.packet = 'codedFrames';
      // Only avc1/hvc1 CodedFrames carry SI24 CompositionTime; CodedFramesX means it is zero.
      if (
        !header.multitrack &&
        packetType === VideoPacketType.CodedFrames &&
        (header.codec === 'avc' || header.codec === 'hevc')
      ) {
        need(data, offset + 3);
        header.compositionTime = si24(data, offset);
        header.payloadOffset = offset + 3;
      }
      break;
    case VideoPacketType.SequenceEnd:
      header.packet = 'sequenceEnd';
      break;
    case VideoPacketType.Metadata:
      header.packet = 'metadata';
      break;
  }
  header.isSequenceHeader = header.packet === 'sequenceStart';
  header.keyframe = isKey(frameType) && header.packet === 'codedFrames';
  return header;
}

function readFourCc(data: Uint8Array, offset: number, header: VideoTagHeader): number {
  need(data, offset + 4);
  const fourCc = String.fromCharCode(data[offset]!, data[offset + 1]!, data[offset + 2]!, data[offset + 3]!);
  header.fourCc = fourCc;
  header.codec = FOURCC_CODECS[fourCc] ?? 'unknown';
  return offset + 4;
}

function isKey(frameType: number): boolean {
  return frameType === VideoFrameType.Key || frameType === VideoFrameType.GeneratedKey;
}

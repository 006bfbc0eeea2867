// Audio tag header: legacy AUDIODATA (FLV spec v10.1 E.4.2.1) and the Enhanced RTMP v2
// ExAudioTagHeader (SoundFormat 9 = ExHeader, FourCC codecs such as Opus, FLAC, AC-3).
import { FlvFormatError } from './errors.ts';
import { skipModEx } from './mod-ex.ts';

export const SoundFormat = {
  LinearPcmPlatform: 0,
  Adpcm: 1,
  Mp3: 2,
  LinearPcmLe: 3,
  Nellymoser16kMono: 4,
  Nellymoser8kMono: 5,
  Nellymoser: 6,
  G711ALaw: 7,
  G711MuLaw: 8,
  ExHeader: 9,
  Aac: 10,
  Speex: 11,
  Mp3_8k: 14,
  DeviceSpecific: 15,
} as const;

export const AacPacketType = { SequenceHeader: 0, Raw: 1 } as const;

export const AudioPacketType = {
  SequenceStart: 0,
  CodedFrames: 1,
  SequenceEnd: 2,
  MultichannelConfig: 4,
  Multitrack: 5,
  ModEx: 7,
} as const;

export type AudioCodec =
  | 'aac'
  | 'mp3'
  | 'opus'
  | 'flac'
  | 'ac3'
  | 'eac3'
  | 'pcm'
  | 'g711'
  | 'speex'
  | 'nellymoser'
  | 'adpcm'
  | 'unknown';

export type AudioPacketKind = 'sequenceStart' | 'codedFrames' | 'sequenceEnd' | 'other';

export type AudioTagHeader = {
  codec: AudioCodec;
  enhanced: boolean;
  soundFormat: number;
  fourCc?: string;
  packet: AudioPacketKind;
  isSequenceHeader: boolean;
  /** Legacy header fields (E.4.2.1); for AAC they are fixed (44 kHz, stereo) and meaningless. */
  legacyRate?: number;
  legacyChannels?: number;
  legacySampleBits?: number;
  multitrack: boolean;
  payloadOffset: number;
};

const LEGACY: Record<number, AudioCodec> = {
  0: 'pcm',
  1: 'adpcm',
  2: 'mp3',
  3: 'pcm',
  4: 'nellymoser',
  5: 'nellymoser',
  6: 'nellymoser',
  7: 'g711',
  8: 'g711',
  10: 'aac',
  11: 'speex',
  14: 'mp3',
};

const FOURCC: Record<string, AudioCodec> = {
  Opus: 'opus',
  fLaC: 'flac',
  'ac-3': 'ac3',
  'ec-3': 'eac3',
  '.mp3': 'mp3',
  mp4a: 'aac',
};

const LEGACY_RATES = [5512, 11025, 22050, 44100] as const;

function need(data: Uint8Array, end: number): void {
  if (end > data.length) throw new FlvFormatError(`audio tag truncated (${data.length} bytes, need ${end})`);
}

export function parseAudioTagHeader(data: Uint8Array): AudioTagHeader {
  need(data, 1);
  const first = data[0]!;
  const soundFormat = first >> 4;
  if (soundFormat !== SoundFormat.ExHeader) {
    const header: AudioTagHeader = {
      codec: LEGACY[soundFormat] ?? 'unknown',
      enhanced: false,
      soundFormat,
      packet: 'codedFrames',
      isSequenceHeader: false,
      legacyRate:
        soundFormat === SoundFormat.Nellymoser8kMono || soundFormat === SoundFormat.Mp3_8k
          ? 8000
          : soundFormat === SoundFormat.Nellymoser16kMono
            ? 16000
            : LEGACY_RATES[(first >> 2) & 0x03],
      legacySampleBits: first & 0x02 ? 16 : 8,
      legacyChannels: first & 0x01 ? 2 : 1,
      multitrack: false,
      payloadOffset: 1,
    };
    if (soundFormat === SoundFormat.Aac) {
      need(data, 2);
      header.packet = data[1] === AacPacketType.SequenceHeader ? 'sequenceStart' : 'codedFrames';
      header.isSequenceHeader = header.packet === 'sequenceStart';
      header.payloadOffset = 2;
    }
    return header;
  }
  let { packetType, offset } = skipModEx(data, 1, first & 0x0f, 'audio');
  const header: AudioTagHeader = {
    codec: 'unknown',
    enhanced: true,
    soundFormat,
    packet: 'other',
    isSequenceHeader: false,
    multitrack: false,
    payloadOffset: offset,
  };
  let withFourCc = true;
  if (packetType === AudioPacketType.Multitrack) {
    need(data, offset + 1);
    withFourCc = data[offset]! >> 4 !== 2; // ManyTracksManyCodecs: FourCC per track
    packetType = data[offset]! & 0x0f;
    offset++;
    header.multitrack = true;
  }
  if (withFourCc) {
    need(data, offset + 4);
    const fourCc = String.fromCharCode(data[offset]!, data[offset + 1]!, data[offset + 2]!, data[offset + 3]!);
    header.fourCc = fourCc;
    header.codec = FOURCC[fourCc] ?? 'unknown';
    offset += 4;
  }
  header.payloadOffset = offset;
  header.packet =
    packetType === AudioPacketType.SequenceStart
      ? 'sequenceStart'
      : packetType === AudioPacketType.CodedFrames
        ? 'codedFrames'
        : packetType === AudioPacketType.SequenceEnd
          ? 'sequenceEnd'
          : 'other';
  header.isSequenceHeader = header.packet === 'sequenceStart';
  return header;
}

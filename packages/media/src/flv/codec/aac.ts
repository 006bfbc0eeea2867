// AAC AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1), the AAC sequence header payload.
import { FlvFormatError } from '../errors.ts';
import { BitReader } from './bit-reader.ts';
import type { AudioCodecInfo } from './types.ts';

export const AAC_SAMPLE_RATES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
] as const;

export type AudioSpecificConfig = {
  objectType: number;
  sampleRate: number;
  channelConfiguration: number;
  /** Output rate when SBR is signalled explicitly (HE-AAC, object type 5 or 29). */
  extensionSampleRate?: number;
};

function objectType(r: BitReader): number {
  const t = r.readBits(5);
  return t === 31 ? 32 + r.readBits(6) : t;
}

function sampleRate(r: BitReader): number {
  const index = r.readBits(4);
  if (index === 15) return r.readBits(24);
  const rate = AAC_SAMPLE_RATES[index];
  if (rate === undefined) throw new FlvFormatError(`AAC: reserved sampling frequency index ${index}`);
  return rate;
}

export function parseAudioSpecificConfig(data: Uint8Array): AudioSpecificConfig {
  if (data.length < 2) throw new FlvFormatError('AudioSpecificConfig too short');
  try {
    const r = new BitReader(data);
    const type = objectType(r);
    const rate = sampleRate(r);
    const channelConfiguration = r.readBits(4);
    const config: AudioSpecificConfig = { objectType: type, sampleRate: rate, channelConfiguration };
    // Explicit SBR/PS signalling (§1.6.5.2): the output rate follows; objectType stays 5/29.
    if (type === 5 || type === 29) config.extensionSampleRate = sampleRate(r);
    return config;
  } catch (err) {
    if (err instanceof FlvFormatError) throw err;
    throw new FlvFormatError('AudioSpecificConfig truncated');
  }
}

/** Channel count for channelConfiguration 1-7 (§1.6.3.5 Table 1.19); 7 means 7.1. */
const CHANNELS = [0, 1, 2, 3, 4, 5, 6, 8] as const;

export function aacCodecInfo(asc: Uint8Array): AudioCodecInfo {
  const config = parseAudioSpecificConfig(asc);
  const info: AudioCodecInfo = {
    codec: 'aac',
    codecString: `mp4a.40.${config.objectType}`,
    objectType: config.objectType,
    sampleRate: config.extensionSampleRate ?? config.sampleRate,
  };
  const channels = CHANNELS[config.channelConfiguration];
  if (channels) info.channels = channels;
  return info;
}

// Reads a movie fragment's moof (ISO/IEC 14496-12 §8.8.4-8.8.12) into per-track timing and sync info.
import { type Box, ByteReader, findChild, findChildren } from './box-reader.ts';
import { Fmp4Error, Fmp4ErrorCode } from './errors.ts';
import type { ProducerReferenceTime, TrackFragment, TrackInfo } from './types.ts';

/** §8.8.3.1 sample_flags bits. */
export const SampleFlag = {
  isNonSync: 0x00010000,
  dependsOnShift: 24,
  dependsOnMask: 0x3,
  /** sample_depends_on == 1: this sample depends on others (not an I picture). */
  dependsOnOthers: 1,
} as const;

/** A sync sample is one that is neither flagged non-sync nor declared dependent on others. */
export function isSyncSample(flags: number): boolean {
  if (flags & SampleFlag.isNonSync) return false;
  return ((flags >>> SampleFlag.dependsOnShift) & SampleFlag.dependsOnMask) !== SampleFlag.dependsOnOthers;
}

const TFHD = {
  baseDataOffset: 0x1,
  sampleDescriptionIndex: 0x2,
  defaultSampleDuration: 0x8,
  defaultSampleSize: 0x10,
  defaultSampleFlags: 0x20,
} as const;

const TRUN = {
  dataOffset: 0x1,
  firstSampleFlags: 0x4,
  sampleDuration: 0x100,
  sampleSize: 0x200,
  sampleFlags: 0x400,
  compositionTimeOffset: 0x800,
} as const;

export type MoofInfo = { sequenceNumber: number; tracks: TrackFragment[] };

/** `moof` is the buffer holding exactly one moof box starting at offset 0. */
export function parseMoof(moof: Uint8Array, moofBox: Box, tracks: ReadonlyMap<number, TrackInfo>): MoofInfo {
  const mfhd = findChild(moof, moofBox, 'mfhd');
  let sequenceNumber = 0;
  if (mfhd) {
    const r = ByteReader.payload(moof, mfhd);
    r.fullBox();
    sequenceNumber = r.u32();
  }
  const out: TrackFragment[] = [];
  for (const traf of findChildren(moof, moofBox, 'traf')) out.push(parseTraf(moof, traf, tracks));
  return { sequenceNumber, tracks: out };
}

function parseTraf(buf: Uint8Array, traf: Box, tracks: ReadonlyMap<number, TrackInfo>): TrackFragment {
  const tfhd = findChild(buf, traf, 'tfhd');
  if (!tfhd) throw new Fmp4Error(Fmp4ErrorCode.Malformed, 'traf without tfhd');
  const hr = ByteReader.payload(buf, tfhd);
  const { flags } = hr.fullBox();
  const trackId = hr.u32();
  const track = tracks.get(trackId);
  if (flags & TFHD.baseDataOffset) hr.skip(8);
  if (flags & TFHD.sampleDescriptionIndex) hr.skip(4);
  const defaultDuration = flags & TFHD.defaultSampleDuration ? hr.u32() : (track?.defaults.sampleDuration ?? 0);
  const defaultSize = flags & TFHD.defaultSampleSize ? hr.u32() : (track?.defaults.sampleSize ?? 0);
  const defaultFlags = flags & TFHD.defaultSampleFlags ? hr.u32() : (track?.defaults.sampleFlags ?? 0);

  let baseMediaDecodeTime: number | undefined;
  const tfdt = findChild(buf, traf, 'tfdt');
  if (tfdt) {
    const r = ByteReader.payload(buf, tfdt);
    const { version } = r.fullBox();
    baseMediaDecodeTime = version === 1 ? r.u64() : r.u32();
  }

  let sampleCount = 0;
  let duration = 0;
  let dataSize = 0;
  let firstSampleFlags: number | undefined;
  for (const trun of findChildren(buf, traf, 'trun')) {
    const r = ByteReader.payload(buf, trun);
    const { flags: tf } = r.fullBox();
    const count = r.u32();
    if (tf & TRUN.dataOffset) r.skip(4);
    const firstFlags = tf & TRUN.firstSampleFlags ? r.u32() : undefined;
    const perSample =
      (tf & TRUN.sampleDuration ? 4 : 0) +
      (tf & TRUN.sampleSize ? 4 : 0) +
      (tf & TRUN.sampleFlags ? 4 : 0) +
      (tf & TRUN.compositionTimeOffset ? 4 : 0);
    // Refuse a sample_count the box cannot hold instead of looping over billions of samples.
    if (count * perSample > r.remaining) {
      throw new Fmp4Error(Fmp4ErrorCode.Malformed, `trun declares ${count} samples but holds ${r.remaining} bytes`);
    }
    const holdsFirst = sampleCount === 0 && count > 0;
    if (perSample === 0) {
      duration += count * defaultDuration;
      dataSize += count * defaultSize;
      if (holdsFirst) firstSampleFlags = firstFlags ?? defaultFlags;
    }
    for (let i = 0; i < count && perSample > 0; i++) {
      duration += tf & TRUN.sampleDuration ? r.u32() : defaultDuration;
      dataSize += tf & TRUN.sampleSize ? r.u32() : defaultSize;
      const sampleFlags = tf & TRUN.sampleFlags ? r.u32() : defaultFlags;
      if (tf & TRUN.compositionTimeOffset) r.skip(4);
      // first_sample_flags overrides the flags of the first sample only (§8.8.8.1).
      if (i === 0 && holdsFirst) firstSampleFlags = firstFlags ?? sampleFlags;
    }
    sampleCount += count;
  }
  const flagsOfFirst = firstSampleFlags ?? defaultFlags;
  return {
    trackId,
    baseMediaDecodeTime,
    timescale: track?.timescale ?? 0,
    sampleCount,
    duration,
    dataSize,
    firstSampleFlags: flagsOfFirst,
    keyframe: sampleCount > 0 && isSyncSample(flagsOfFirst),
  };
}

const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/** prft (§8.16.5): NTP timestamp (64-bit, seconds.fraction since 1900) of a media time. */
export function parsePrft(buf: Uint8Array, box: Box): ProducerReferenceTime {
  const r = ByteReader.payload(buf, box);
  const { version } = r.fullBox();
  const trackId = r.u32();
  const seconds = r.u32();
  const fraction = r.u32();
  const mediaTime = version === 1 ? r.u64() : r.u32();
  const wallClockMs = (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + Math.round((fraction / 0x100000000) * 1000);
  return { trackId, wallClockMs, mediaTime };
}

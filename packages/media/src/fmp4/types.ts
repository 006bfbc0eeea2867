// What the parser reports. Times are in the track's own timescale (ticks) unless named *Seconds.

export const TrackKind = { Video: 'video', Audio: 'audio', Other: 'other' } as const;
export type TrackKind = (typeof TrackKind)[keyof typeof TrackKind];

/** trex (§8.8.3) defaults, used when tfhd/trun leave a field out. */
export type TrackDefaults = {
  sampleDescriptionIndex: number;
  sampleDuration: number;
  sampleSize: number;
  sampleFlags: number;
};

export type TrackInfo = {
  id: number;
  /** hdlr handler_type: 'vide', 'soun', ... */
  handler: string;
  kind: TrackKind;
  /** mdhd timescale: ticks per second of this track's sample times. */
  timescale: number;
  /** Sample entry four-character code: 'avc1', 'hvc1', 'mp4a', ... */
  sampleEntry: string;
  /** RFC 6381 codec string for the HLS CODECS attribute, when we know how to build it. */
  codec: string | undefined;
  width?: number;
  height?: number;
  channelCount?: number;
  sampleRate?: number;
  /** ISO-639-2/T language from mdhd ('und' when unset). */
  language: string;
  defaults: TrackDefaults;
};

export type InitSegment = {
  /** ftyp + moov, ready to serve as the EXT-X-MAP resource. */
  bytes: Uint8Array;
  /** ftyp major brand ('' when there was no ftyp). */
  majorBrand: string;
  compatibleBrands: string[];
  /** mvhd timescale. */
  movieTimescale: number;
  tracks: TrackInfo[];
};

export type TrackFragment = {
  trackId: number;
  /** tfdt baseMediaDecodeTime; undefined when the traf has no tfdt. */
  baseMediaDecodeTime: number | undefined;
  /** The track's timescale from the init segment (0 if the track is unknown). */
  timescale: number;
  sampleCount: number;
  /** Sum of sample durations, in ticks. */
  duration: number;
  /** Sum of sample sizes, in bytes. */
  dataSize: number;
  /** Flags of the first sample (§8.8.3.1 sample_flags). */
  firstSampleFlags: number;
  /** The first sample is a sync sample (not is_non_sync and not depends_on==1). */
  keyframe: boolean;
};

/** prft (§8.16.5): when the fragment was produced, in wall-clock terms. */
export type ProducerReferenceTime = {
  trackId: number;
  /** NTP time converted to Unix epoch milliseconds. */
  wallClockMs: number;
  /** Media time (in the referenced track's timescale) that wallClockMs corresponds to. */
  mediaTime: number;
};

export type Fragment = {
  /** styp/prft/emsg (if any) + moof + mdat bytes, ready to serve as (part of) a media segment. */
  bytes: Uint8Array;
  /** mfhd sequence_number. */
  sequenceNumber: number;
  tracks: TrackFragment[];
  /**
   * Every video track (or, without video, every track) starts with a sync sample, so decoding can
   * begin here: an HLS INDEPENDENT=YES part / a segment start.
   */
  independent: boolean;
  size: number;
  hasStyp: boolean;
  producerReferenceTime: ProducerReferenceTime | undefined;
};

export type Fmp4Event = { type: 'init'; init: InitSegment } | { type: 'fragment'; fragment: Fragment };

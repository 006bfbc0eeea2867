// Test-only synthetic init segments and fragments for the packager (no real codec payload needed:
// the packager never looks inside mdat).
import type { Fragment, InitSegment, TrackInfo } from '../../fmp4/types.ts';
import type { Timers } from '../waiting.ts';

export function fakeInit(
  options: { timescale?: number; kind?: 'video' | 'audio'; tag?: number; audio?: boolean } = {},
): InitSegment {
  const timescale = options.timescale ?? 90000;
  const tracks: TrackInfo[] = [];
  const defaults = { sampleDescriptionIndex: 1, sampleDuration: 0, sampleSize: 0, sampleFlags: 0 };
  if ((options.kind ?? 'video') === 'video') {
    tracks.push({
      id: 1,
      handler: 'vide',
      kind: 'video',
      timescale,
      sampleEntry: 'avc1',
      codec: 'avc1.64001F',
      width: 1280,
      height: 720,
      language: 'und',
      defaults,
    });
  }
  if (options.kind === 'audio' || options.audio) {
    tracks.push({
      id: tracks.length + 1,
      handler: 'soun',
      kind: 'audio',
      timescale: options.kind === 'audio' ? timescale : 48000,
      sampleEntry: 'mp4a',
      codec: 'mp4a.40.2',
      channelCount: 2,
      sampleRate: 48000,
      language: 'und',
      defaults,
    });
  }
  return {
    bytes: Uint8Array.of(0x66, 0x74, 0x79, 0x70, options.tag ?? 0, timescale & 0xff),
    majorBrand: 'iso6',
    compatibleBrands: ['iso6'],
    movieTimescale: 1000,
    tracks,
  };
}

let serial = 0;

export function fakeFragment(options: {
  ticks: number;
  independent: boolean;
  decodeTime?: number;
  timescale?: number;
  trackId?: number;
  size?: number;
  samples?: number;
}): Fragment {
  serial++;
  const size = options.size ?? 8;
  const bytes = new Uint8Array(size).map((_, i) => (serial + i) & 0xff);
  return {
    bytes,
    sequenceNumber: serial,
    tracks: [
      {
        trackId: options.trackId ?? 1,
        baseMediaDecodeTime: options.decodeTime,
        timescale: options.timescale ?? 90000,
        sampleCount: options.samples ?? 1,
        duration: options.ticks,
        dataSize: size,
        firstSampleFlags: options.independent ? 0x02000000 : 0x01010000,
        keyframe: options.independent,
      },
    ],
    independent: options.independent,
    size,
    hasStyp: false,
    producerReferenceTime: undefined,
  };
}

/** Timers that only fire when the test says so. */
export class ManualTimers implements Timers {
  #next = 1;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();
  now = 0;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  get pending(): number {
    return this.#pending.size;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.#pending]) {
      if (t.at <= this.now) {
        this.#pending.delete(id);
        t.callback();
      }
    }
  }
}

/** Lets promise callbacks queued by a synchronous push run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

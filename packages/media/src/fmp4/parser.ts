// Streaming push parser for fragmented MP4 (CMAF) as ffmpeg writes it to a pipe:
//   ftyp moov ([styp] [prft] [emsg] moof mdat)* [mfra]
// It buffers at most one top-level box at a time (bounded by maxBoxSize) and emits the init segment
// and each complete fragment as soon as its last byte arrives, so latency is one fragment, not more.
import { type Box, printable, readBoxHeader, rootBox } from './box-reader.ts';
import { ByteQueue } from '../bytes/byte-queue.ts';
import { Fmp4Error, Fmp4ErrorCode } from './errors.ts';
import { parseMoof, parsePrft } from './fragment.ts';
import { parseInitSegment } from './init-segment.ts';
import { type Fmp4Event, type Fragment, type InitSegment, type TrackInfo, TrackKind } from './types.ts';

export type Fmp4ParserOptions = {
  /** Largest top-level box accepted, in bytes (default 64 MiB). Larger boxes fail with BOX_TOO_LARGE. */
  maxBoxSize?: number;
};

export const DEFAULT_MAX_BOX_SIZE = 64 * 1024 * 1024;

/** Boxes that belong to the fragment that follows them (§8.16 segment-level boxes). */
const FRAGMENT_PREFIX_BOXES = new Set(['styp', 'sidx', 'ssix', 'prft', 'emsg']);
/** Upper bound on prefix boxes kept while waiting for a moof, so a stream of emsg cannot grow unbounded. */
const MAX_PREFIX_BOXES = 64;

export class Fmp4Parser {
  readonly #maxBoxSize: number;
  readonly #queue = new ByteQueue();
  #ftyp: Uint8Array | undefined;
  #init: InitSegment | undefined;
  #tracks = new Map<number, TrackInfo>();
  #prefix: Uint8Array[] = [];
  #moof: Uint8Array | undefined;
  #failed: Fmp4Error | undefined;
  #ended = false;

  constructor(options: Fmp4ParserOptions = {}) {
    this.#maxBoxSize = options.maxBoxSize ?? DEFAULT_MAX_BOX_SIZE;
  }

  /** The most recent init segment, if one has been parsed. */
  get init(): InitSegment | undefined {
    return this.#init;
  }

  /** Bytes received but not yet part of an emitted event (a partial box, or a moof awaiting its mdat). */
  get pendingBytes(): number {
    return this.#queue.length + (this.#moof?.length ?? 0) + this.#prefix.reduce((n, b) => n + b.length, 0);
  }

  /**
   * Feeds the next chunk of the byte stream. Returns the events completed by it, in order. The
   * chunk is referenced, not copied, until the events that cover it are emitted: do not reuse it.
   * Throws Fmp4Error on bad input; the parser is then unusable (the stream is not resynchronisable).
   */
  push(chunk: Uint8Array): Fmp4Event[] {
    this.#check();
    this.#queue.push(chunk);
    return this.#drain(false);
  }

  /** Signals the end of the stream: completes a trailing size==0 box. Returns the last events. */
  end(): Fmp4Event[] {
    this.#check();
    this.#ended = true;
    return this.#drain(true);
  }

  #check(): void {
    if (this.#failed) throw new Fmp4Error(Fmp4ErrorCode.Failed, `parser failed earlier: ${this.#failed.message}`);
    if (this.#ended) throw new Fmp4Error(Fmp4ErrorCode.Failed, 'parser already ended');
  }

  #drain(atEnd: boolean): Fmp4Event[] {
    const events: Fmp4Event[] = [];
    try {
      for (;;) {
        const head = this.#queue.peek(32);
        const header = readBoxHeader(head, 0, head.length);
        if (!header) break;
        if (!isPlausibleType(header.type)) {
          throw new Fmp4Error(Fmp4ErrorCode.InvalidBox, `implausible box type ${printable(header.type)}`);
        }
        const size = header.size ?? (atEnd ? this.#queue.length : undefined);
        const known = size ?? this.#queue.length;
        if (known > this.#maxBoxSize) {
          throw new Fmp4Error(
            Fmp4ErrorCode.BoxTooLarge,
            `box '${printable(header.type)}' of ${known} bytes exceeds the ${this.#maxBoxSize}-byte limit`,
          );
        }
        if (size === undefined || this.#queue.length < size) break;
        const bytes = this.#queue.read(size);
        const event = this.#onBox(header.type, bytes);
        if (event) events.push(event);
      }
    } catch (err) {
      this.#failed =
        err instanceof Fmp4Error ? err : new Fmp4Error(Fmp4ErrorCode.Malformed, (err as Error).message ?? String(err));
      throw this.#failed;
    }
    return events;
  }

  #onBox(type: string, bytes: Uint8Array): Fmp4Event | undefined {
    switch (type) {
      case 'ftyp':
        this.#ftyp = bytes;
        this.#prefix = [];
        this.#moof = undefined;
        return undefined;
      case 'moov': {
        const init = parseInitSegment(this.#ftyp, bytes);
        this.#ftyp = undefined;
        this.#init = init;
        this.#tracks = new Map(init.tracks.map((t) => [t.id, t]));
        this.#prefix = [];
        this.#moof = undefined;
        return { type: 'init', init };
      }
      case 'moof':
        // A second moof without mdat means the first was unusable; keep the latest.
        this.#moof = bytes;
        return undefined;
      case 'mdat': {
        if (!this.#moof) return undefined; // e.g. a non-fragmented file's mdat: nothing to emit
        const fragment = this.#fragment(this.#moof, bytes);
        this.#moof = undefined;
        this.#prefix = [];
        return { type: 'fragment', fragment };
      }
      default:
        if (FRAGMENT_PREFIX_BOXES.has(type) && !this.#moof && this.#prefix.length < MAX_PREFIX_BOXES) {
          this.#prefix.push(bytes);
        }
        // free/skip/mfra/udta and unknown top-level boxes carry nothing a live packager needs.
        return undefined;
    }
  }

  #fragment(moof: Uint8Array, mdat: Uint8Array): Fragment {
    const moofBox: Box = rootBox(moof);
    const info = parseMoof(moof, moofBox, this.#tracks);
    let hasStyp = false;
    let producerReferenceTime: Fragment['producerReferenceTime'];
    let size = moof.length + mdat.length;
    for (const box of this.#prefix) {
      const root = rootBox(box);
      if (root.type === 'styp') hasStyp = true;
      if (root.type === 'prft') producerReferenceTime = parsePrft(box, root);
      size += box.length;
    }
    // One fresh, compact buffer per fragment: it is what parts and segments are served from, and it
    // must not pin the (possibly larger) chunks the pipe delivered.
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const box of [...this.#prefix, moof, mdat]) {
      bytes.set(box, at);
      at += box.length;
    }
    const video = info.tracks.filter((t) => this.#tracks.get(t.trackId)?.kind === TrackKind.Video);
    const deciding = video.length > 0 ? video : info.tracks;
    const independent = deciding.length > 0 && deciding.every((t) => t.keyframe);
    return {
      bytes,
      sequenceNumber: info.sequenceNumber,
      tracks: info.tracks,
      independent,
      size,
      hasStyp,
      producerReferenceTime,
    };
  }
}

/** Top-level box types are four printable ASCII characters; anything else means we lost sync. */
function isPlausibleType(type: string): boolean {
  return /^[\x20-\x7e]{4}$/.test(type);
}

/** Parses an async byte stream (e.g. a child process's stdout) into fMP4 events. */
export async function* readFmp4(
  source: AsyncIterable<Uint8Array>,
  options: Fmp4ParserOptions = {},
): AsyncGenerator<Fmp4Event, void, undefined> {
  const parser = new Fmp4Parser(options);
  for await (const chunk of source) yield* parser.push(chunk);
  yield* parser.end();
}

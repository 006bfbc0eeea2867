// A live source as a readable FLV byte stream for a late joiner (HTTP-FLV): FLV header,
// onMetaData, the current sequence headers, then tags from the next video key frame on, so a
// decoder can start cleanly at any time.
import { Readable } from 'node:stream';
import type { FlvTag } from './tag.ts';
import { encodeFlvHeader, encodeFlvTag } from './writer.ts';

/** What a live source (an RTMP publish session) offers a late reader. */
export interface LiveFlvSource {
  readonly metadataTag: FlvTag | undefined;
  readonly audioSequenceHeader: FlvTag | undefined;
  readonly videoSequenceHeader: FlvTag | undefined;
  /** Whether the source carries video / audio, as far as known so far. */
  readonly hasVideo: boolean;
  readonly hasAudio: boolean;
  readonly ended: boolean;
  /** Tags in arrival order until end(); returns the unsubscribe function. */
  subscribe(subscriber: { tag(tag: FlvTag): void; end(): void }): () => void;
}

export type LiveFlvStreamOptions = {
  /** Shift timestamps so the first key frame is at 0 (default false: keep the source clock). */
  rebaseTimestamps?: boolean;
  /**
   * Bytes the reader may fall behind (default 8 MiB). Past it, media is dropped until the next
   * key frame so a slow reader costs bounded memory and resumes on a decodable frame.
   */
  maxBufferedBytes?: number;
  logger?: { warn(obj: Record<string, unknown>, msg?: string): void };
};

type State = 'waiting' | 'streaming' | 'dropping';

export function createLiveFlvStream(source: LiveFlvSource, options: LiveFlvStreamOptions = {}): Readable {
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  let state: State = 'waiting';
  let base = 0;
  let dropped = 0;
  /** Last script body written: encoders that repeat onMetaData (GStreamer's flvmux) are deduplicated. */
  let lastScript: Buffer | undefined;
  let unsubscribe: (() => void) | undefined;

  const stream = new Readable({
    read() {},
    destroy(err, callback) {
      unsubscribe?.();
      callback(err);
    },
  });

  const write = (tag: FlvTag): void => {
    stream.push(encodeFlvTag({ type: tag.type, data: tag.data, timestamp: Math.max(0, tag.timestamp - base) }));
  };

  // A decoder can start here: a video key frame, or anything for a source without video.
  const isEntryPoint = (tag: FlvTag): boolean =>
    source.hasVideo ? tag.type === 'video' && tag.keyframe === true : tag.type !== 'script' && !tag.isSequenceHeader;

  const start = (entry: FlvTag): void => {
    base = options.rebaseTimestamps ? entry.timestamp : 0;
    stream.push(encodeFlvHeader({ audio: source.hasAudio, video: source.hasVideo }));
    // Header tags go out at time 0: ffmpeg's FLV demuxer only takes onMetaData as stream
    // metadata at dts 0 (later ones become a data stream); sequence headers carry no time.
    for (const header of [source.metadataTag, source.videoSequenceHeader, source.audioSequenceHeader]) {
      if (header) stream.push(encodeFlvTag({ type: header.type, data: header.data, timestamp: 0 }));
    }
    lastScript = source.metadataTag?.data;
    write(entry);
    state = 'streaming';
  };

  const onTag = (tag: FlvTag): void => {
    if (stream.destroyed) return;
    if (state === 'waiting') {
      if (isEntryPoint(tag)) start(tag);
      return; // headers seen while waiting are taken from the source snapshot at start
    }
    if (tag.type === 'script') {
      if (lastScript?.equals(tag.data)) return;
      lastScript = tag.data;
    }
    const essential = tag.type === 'script' || tag.isSequenceHeader === true;
    if (state === 'dropping') {
      if (!essential && !isEntryPoint(tag)) {
        dropped++;
        return;
      }
      if (!essential) {
        options.logger?.warn({ dropped }, 'live FLV reader caught up; resuming at a key frame');
        state = 'streaming';
      }
    } else if (!essential && stream.readableLength > maxBuffered) {
      state = 'dropping';
      dropped = 1;
      options.logger?.warn(
        { buffered: stream.readableLength },
        'live FLV reader too slow; dropping to the next key frame',
      );
      return;
    }
    write(tag);
  };

  if (source.ended) {
    stream.push(null);
    return stream;
  }
  unsubscribe = source.subscribe({
    tag: onTag,
    end: () => {
      if (!stream.destroyed) stream.push(null);
    },
  });
  return stream;
}

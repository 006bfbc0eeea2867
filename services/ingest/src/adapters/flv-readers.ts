import type { Readable } from 'node:stream';
import type { Logger } from '@phzzk/kit';
import { createLiveFlvStream } from '@phzzk/media/flv';
import type { SourceReaders } from '../domain/ports.ts';
import type { GopSource } from './gop-source.ts';

export interface FlvReadersOptions {
  /** How far a reader may fall behind before it is dropped to the next key frame. */
  maxBufferedBytes: () => number;
  logger: Logger;
  onSlowReader?: () => void;
}

/**
 * HTTP-FLV readers of live sessions. A reader starts with the session's current GOP and follows
 * the live tags until the session ends; one that cannot keep up loses media up to the next key
 * frame rather than making the node buffer without bound.
 */
export class FlvReaders implements SourceReaders {
  private readonly options: FlvReadersOptions;
  private readonly counts = new Map<string, number>();

  constructor(options: FlvReadersOptions) {
    this.options = options;
  }

  open(sessionId: string, source: GopSource): Readable {
    const logger = this.options.logger.child({ sessionId });
    const stream = createLiveFlvStream(source, {
      maxBufferedBytes: this.options.maxBufferedBytes(),
      // Every reader's clock starts at 0 at its first key frame: decoders take metadata at 0 as
      // metadata (not as a data packet), and a transcoder gets a clean start whenever it joins.
      rebaseTimestamps: true,
      logger: {
        warn: (fields, message) => {
          // The stream reports the start of a drop with the buffered size.
          if ('buffered' in fields) this.options.onSlowReader?.();
          logger.warn(fields, message);
        },
      },
    });
    this.counts.set(sessionId, (this.counts.get(sessionId) ?? 0) + 1);
    stream.once('close', () => {
      const left = (this.counts.get(sessionId) ?? 1) - 1;
      if (left > 0) this.counts.set(sessionId, left);
      else this.counts.delete(sessionId);
    });
    return stream;
  }

  readersOf(sessionId: string): number {
    return this.counts.get(sessionId) ?? 0;
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
}

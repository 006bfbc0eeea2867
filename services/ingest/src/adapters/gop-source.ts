import type { FlvTag, LiveFlvSource } from '@phzzk/media/flv';
import type { PublishSession } from '@phzzk/media/rtmp';

type Subscriber = { tag(tag: FlvTag): void; end(): void };

/**
 * A publish session as a late-joiner source: it keeps the current GOP (the latest video key frame
 * and every tag since), and a new reader gets that GOP replayed before the live tags, so it has a
 * picture at once instead of waiting for the next key frame. Each reader's audio and video clocks
 * are kept monotonic. onMetaData goes out once, at the start: encoders that repeat it mid-stream
 * (GStreamer's flvmux) would otherwise make decoders see a text stream. A GOP larger than `maxGopBytes` is not kept (readers then wait for the next
 * key frame), so memory per session stays bounded.
 */
export class GopSource implements LiveFlvSource {
  private readonly session: PublishSession;
  private readonly maxGopBytes: number;
  private gop: FlvTag[] = [];
  private gopBytes = 0;
  private caching = false;
  private videoConfig: Buffer | undefined;

  constructor(session: PublishSession, maxGopBytes: number) {
    this.session = session;
    this.maxGopBytes = maxGopBytes;
    session.on('tag', (tag) => this.keep(tag));
    session.on('end', () => this.reset(false));
  }

  get metadataTag(): FlvTag | undefined {
    return this.session.metadataTag;
  }
  get audioSequenceHeader(): FlvTag | undefined {
    return this.session.audioSequenceHeader;
  }
  get videoSequenceHeader(): FlvTag | undefined {
    return this.session.videoSequenceHeader;
  }
  get hasVideo(): boolean {
    return this.session.hasVideo;
  }
  get hasAudio(): boolean {
    return this.session.hasAudio;
  }
  get ended(): boolean {
    return this.session.ended;
  }

  /** What the publisher delivered so far (bytes, tags, latest media time). */
  get stats(): PublishSession['stats'] {
    return this.session.stats;
  }

  /** Bytes of the GOP held for late joiners. */
  get cachedBytes(): number {
    return this.gopBytes;
  }

  subscribe(subscriber: Subscriber): () => void {
    if (this.session.ended) {
      subscriber.end();
      return () => {};
    }
    const last = { audio: Number.NEGATIVE_INFINITY, video: Number.NEGATIVE_INFINITY };
    const monotonic = (tag: FlvTag): FlvTag => {
      if (tag.type === 'script') return tag;
      const timestamp = Math.max(tag.timestamp, last[tag.type]);
      last[tag.type] = timestamp;
      return timestamp === tag.timestamp ? tag : { ...tag, timestamp };
    };
    // Synchronous replay then subscription: no live tag can fall between the two.
    for (const tag of this.gop) subscriber.tag(monotonic(tag));
    return this.session.subscribe({
      tag: (tag) => {
        if (!this.isMetadata(tag)) subscriber.tag(monotonic(tag));
      },
      end: () => subscriber.end(),
    });
  }

  private keep(tag: FlvTag): void {
    if (tag.type === 'video' && tag.isSequenceHeader) {
      if (this.videoConfig?.equals(tag.data)) return; // some encoders repeat it unchanged
      // New decoder configuration (e.g. a new resolution): the cached frames belong to the old one.
      this.videoConfig = tag.data;
      this.reset(false);
      return;
    }
    if (tag.type === 'video' && tag.keyframe) this.reset(true);
    if (!this.caching || this.isMetadata(tag)) return;
    this.gop.push(tag);
    this.gopBytes += tag.data.length;
    if (this.gopBytes > this.maxGopBytes) this.reset(false);
  }

  /** The session keeps its latest onMetaData tag as is: identity tells it from other script data. */
  private isMetadata(tag: FlvTag): boolean {
    return tag.type === 'script' && tag === this.session.metadataTag;
  }

  private reset(caching: boolean): void {
    this.gop = [];
    this.gopBytes = 0;
    this.caching = caching;
  }
}

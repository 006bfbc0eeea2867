// A publish session: one authorized stream on one connection. It turns RTMP media and data
// messages into FLV tags, keeps what a late reader needs (metadata, sequence headers), derives
// codec info from the sequence headers, and fans tags out to listeners.
import { randomUUID } from 'node:crypto';
import type { Amf0Object } from '../flv/amf-value.ts';
import { parseAudioTagHeader } from '../flv/audio-tag.ts';
import { audioCodecInfo, videoCodecInfo } from '../flv/codec/codec-info.ts';
import type { AudioCodecInfo, VideoCodecInfo } from '../flv/codec/types.ts';
import { parseVp9KeyframeSize } from '../flv/codec/vp9.ts';
import type { LiveFlvSource } from '../flv/live-flv-stream.ts';
import type { FlvTag } from '../flv/tag.ts';
import { parseVideoTagHeader, type VideoTagHeader } from '../flv/video-tag.ts';
import type { DataMessage } from './commands.ts';
import { Emitter } from './emitter.ts';
import { type TagIteratorOptions, tagIterator } from './tag-iterator.ts';
import { TimestampUnwrapper } from './timestamp.ts';
import type { EndReason, PublishRequest, RtmpLogger } from './types.ts';

export type SessionCodecs = { video?: VideoCodecInfo; audio?: AudioCodecInfo };

export type SessionStats = {
  /** Audio/video/data payload bytes delivered. */
  bytes: number;
  audioTags: number;
  videoTags: number;
  scriptTags: number;
  keyframes: number;
  /** Malformed media messages (e.g. a truncated AVC header) that were not delivered. */
  droppedTags: number;
  /** Timestamp of the last delivered tag (ms, unwrapped). */
  lastTimestamp: number | undefined;
};

export type SessionEvents = {
  /** Every audio, video and script tag, in arrival order. */
  tag: (tag: FlvTag) => void;
  metadata: (metadata: Amf0Object) => void;
  /** A sequence header changed the codec info (first one, or a mid-stream change). */
  codecs: (codecs: SessionCodecs, changed: 'audio' | 'video') => void;
  end: (reason: EndReason, error?: Error) => void;
};

/** The public face of a live publish. */
export interface PublishSession<C = unknown> extends LiveFlvSource {
  readonly id: string;
  readonly app: string;
  readonly streamKey: string;
  readonly query: string;
  readonly tcUrl: string;
  readonly remoteAddress: string;
  readonly connectionId: string;
  /** What authorize returned for this publish. */
  readonly context: C;
  readonly startedAt: Date;
  /** The onMetaData object (from @setDataFrame), if the publisher sent one. */
  readonly metadata: Amf0Object | undefined;
  readonly codecs: SessionCodecs;
  readonly stats: Readonly<SessionStats>;
  readonly endReason: EndReason | undefined;
  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void;
  once<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void;
  off<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): void;
  /** Tags from now on; throws TagQueueOverflowError if the consumer falls too far behind. */
  tags(options?: TagIteratorOptions): AsyncIterableIterator<FlvTag>;
  /** Ends the publish from the server side (e.g. the stream key was rotated); reason 'kicked'. */
  kick(why?: string): void;
}

export class RtmpPublishSession<C> implements PublishSession<C> {
  readonly id = randomUUID();
  readonly app: string;
  readonly streamKey: string;
  readonly query: string;
  readonly tcUrl: string;
  readonly remoteAddress: string;
  readonly connectionId: string;
  readonly context: C;
  readonly startedAt = new Date();
  /** The NetStream (message stream id) this session publishes on. */
  readonly streamId: number;
  readonly stats: SessionStats = {
    bytes: 0,
    audioTags: 0,
    videoTags: 0,
    scriptTags: 0,
    keyframes: 0,
    droppedTags: 0,
    lastTimestamp: undefined,
  };
  metadata: Amf0Object | undefined;
  metadataTag: FlvTag | undefined;
  audioSequenceHeader: FlvTag | undefined;
  videoSequenceHeader: FlvTag | undefined;
  readonly codecs: SessionCodecs = {};
  endReason: EndReason | undefined;

  readonly #events: Emitter<SessionEvents>;
  readonly #clock = new TimestampUnwrapper();
  readonly #logger: RtmpLogger;
  readonly #kick: (why: string) => void;

  constructor(init: {
    request: PublishRequest;
    context: C;
    streamId: number;
    logger: RtmpLogger;
    kick: (why: string) => void;
  }) {
    const { request } = init;
    this.app = request.app;
    this.streamKey = request.streamKey;
    this.query = request.query;
    this.tcUrl = request.tcUrl;
    this.remoteAddress = request.remoteAddress;
    this.connectionId = request.connectionId;
    this.context = init.context;
    this.streamId = init.streamId;
    this.#logger = init.logger;
    this.#kick = init.kick;
    this.#events = new Emitter((error, event) =>
      this.#logger.error({ err: error, event, sessionId: this.id }, 'publish session listener threw'),
    );
  }

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  get hasVideo(): boolean {
    return (
      this.videoSequenceHeader !== undefined ||
      this.codecs.video !== undefined ||
      isCodecId(this.metadata?.videocodecid)
    );
  }

  get hasAudio(): boolean {
    return (
      this.audioSequenceHeader !== undefined ||
      this.codecs.audio !== undefined ||
      isCodecId(this.metadata?.audiocodecid)
    );
  }

  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    return this.#events.on(event, listener);
  }

  once<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    return this.#events.once(event, listener);
  }

  off<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): void {
    this.#events.off(event, listener);
  }

  subscribe(subscriber: { tag(tag: FlvTag): void; end(): void }): () => void {
    if (this.ended) {
      subscriber.end();
      return () => {};
    }
    const offTag = this.#events.on('tag', (tag) => subscriber.tag(tag));
    const offEnd = this.#events.on('end', () => subscriber.end());
    return () => {
      offTag();
      offEnd();
    };
  }

  tags(options?: TagIteratorOptions): AsyncIterableIterator<FlvTag> {
    return tagIterator((subscriber) => this.subscribe(subscriber), options);
  }

  kick(why = 'kicked'): void {
    if (!this.ended) this.#kick(why);
  }

  // -------------------------------------------------------------------------------------------
  // Fed by the connection

  /** An audio (8) or video (9) message body: already an FLV tag body. */
  handleMedia(type: 'audio' | 'video', timestamp32: number, data: Buffer): void {
    if (this.ended || data.length === 0) return; // empty media messages carry nothing
    const timestamp = this.#clock.unwrap(timestamp32);
    const tag: FlvTag = { type, timestamp, data };
    try {
      if (type === 'video') this.#classifyVideo(tag);
      else this.#classifyAudio(tag);
    } catch (err) {
      this.stats.droppedTags++;
      this.#logger.debug({ err, sessionId: this.id, type }, 'malformed media tag dropped');
      return;
    }
    this.#deliver(tag);
  }

  /** A data message on the published stream: metadata or another script frame. */
  handleData(timestamp32: number, data: DataMessage): void {
    if (this.ended) return;
    const timestamp = this.#clock.unwrap(timestamp32);
    if (data.clearDataFrame) {
      this.metadata = undefined;
      this.metadataTag = undefined;
      return;
    }
    const tag: FlvTag = { type: 'script', timestamp, data: data.scriptBody };
    if (data.name === 'onMetaData') {
      const value = data.values[0];
      this.metadata =
        typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) ? value : {};
      this.metadataTag = tag;
      this.#applyMetadataFallbacks();
      this.#events.emit('metadata', this.metadata);
    }
    this.#deliver(tag);
  }

  /** Called once by the connection. */
  end(reason: EndReason, error?: Error): void {
    if (this.ended) return;
    this.endReason = reason;
    this.#events.emit('end', reason, error);
    this.#events.clear();
  }

  #deliver(tag: FlvTag): void {
    this.stats.bytes += tag.data.length;
    this.stats.lastTimestamp = tag.timestamp;
    if (tag.type === 'audio') this.stats.audioTags++;
    else if (tag.type === 'video') this.stats.videoTags++;
    else this.stats.scriptTags++;
    if (tag.keyframe) this.stats.keyframes++;
    this.#events.emit('tag', tag);
  }

  #classifyVideo(tag: FlvTag): void {
    const header = parseVideoTagHeader(tag.data);
    tag.keyframe = header.keyframe;
    tag.isSequenceHeader = header.isSequenceHeader;
    if (header.isSequenceHeader) {
      if (this.videoSequenceHeader?.data.equals(tag.data)) return; // repeated, unchanged
      this.videoSequenceHeader = tag;
      this.#setVideoInfo(this.#videoInfo(header, tag.data));
    } else if (!this.codecs.video && header.packet === 'codedFrames') {
      this.#setVideoInfo({ codec: header.codec }); // codecs without a sequence header (VP6, H.263)
    }
    if (header.keyframe && header.codec === 'vp9' && this.codecs.video?.width === undefined) {
      // VP9 has no size in its configuration record; the key frame header has it.
      const size = parseVp9KeyframeSize(tag.data.subarray(header.payloadOffset));
      if (size) this.#setVideoInfo({ ...this.codecs.video, codec: 'vp9', ...size });
    }
  }

  #videoInfo(header: VideoTagHeader, data: Buffer): VideoCodecInfo {
    try {
      return videoCodecInfo(header, data);
    } catch (err) {
      this.#logger.warn({ err, sessionId: this.id, codec: header.codec }, 'unparsable video sequence header');
      return { codec: header.codec };
    }
  }

  #setVideoInfo(info: VideoCodecInfo): void {
    this.codecs.video = info;
    this.#applyMetadataFallbacks();
    this.#events.emit('codecs', this.codecs, 'video');
  }

  #classifyAudio(tag: FlvTag): void {
    const header = parseAudioTagHeader(tag.data);
    tag.isSequenceHeader = header.isSequenceHeader;
    if (header.isSequenceHeader) {
      if (this.audioSequenceHeader?.data.equals(tag.data)) return;
      this.audioSequenceHeader = tag;
    } else if (this.codecs.audio) {
      return; // codec info comes from the sequence header, or once from the first frame
    }
    let info: AudioCodecInfo;
    try {
      info = audioCodecInfo(header, tag.data);
    } catch (err) {
      this.#logger.warn({ err, sessionId: this.id, codec: header.codec }, 'unparsable audio sequence header');
      info = { codec: header.codec };
    }
    this.codecs.audio = info;
    this.#events.emit('codecs', this.codecs, 'audio');
  }

  /** Frame rate when the bitstream carries none (no VUI timing): the encoder's declared rate. */
  #applyMetadataFallbacks(): void {
    const video = this.codecs.video;
    const declared = this.metadata?.framerate ?? this.metadata?.videoframerate;
    if (video && video.fps === undefined && typeof declared === 'number' && declared > 0) video.fps = declared;
  }
}

function isCodecId(value: unknown): boolean {
  return (typeof value === 'number' && value > 0) || (typeof value === 'string' && value !== '');
}

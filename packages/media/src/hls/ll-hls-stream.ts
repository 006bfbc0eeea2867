// One live stream = several renditions packaged side by side (one per ffmpeg output). It keeps what
// must agree across renditions in one place (§6.2.4: same target duration, same server control,
// same discontinuities), builds rendition reports and the master playlist, and fans out events.
import type { Fmp4Event } from '../fmp4/types.ts';
import { type AudioRendition, renderMasterPlaylist, type VariantStream } from './master-playlist.ts';
import type { RenditionReport } from './media-playlist.ts';
import { hlsNames, RENDITION_NAME } from './naming.ts';
import { LlHlsPackager } from './packager.ts';
import type { InitInfo, PackagerOptions, PartInfo, SegmentInfo } from './packager-types.ts';
import { Listeners, systemTimers, WaitQueue } from './waiting.ts';

export type RenditionSpec = {
  /** Path segment and playlist name: "720p", "audio". */
  name: string;
  /** 'variant' (default) is a playable EXT-X-STREAM-INF; 'audio' an EXT-X-MEDIA TYPE=AUDIO rendition. */
  type?: 'variant' | 'audio';
  /** Declared peak bit rate (bits/s); the measured peak replaces it when higher. */
  bandwidth?: number;
  averageBandwidth?: number;
  /** Declared frame rate; measured from the video track otherwise. */
  frameRate?: number;
  /** Variant: GROUP-ID of the separate audio renditions it plays with. */
  audioGroup?: string;
  /** Audio rendition: its GROUP-ID (default "audio"). */
  groupId?: string;
  /** Audio rendition: NAME (default the rendition name). */
  label?: string;
  language?: string;
  default?: boolean;
};

export type LlHlsStreamOptions = PackagerOptions & {
  renditions: readonly RenditionSpec[];
};

export type RenditionEvent<T> = T & { rendition: string };

export class LlHlsStream {
  readonly #specs = new Map<string, RenditionSpec>();
  readonly #renditions = new Map<string, LlHlsPackager>();
  readonly #waiters: WaitQueue;
  readonly #onPart: Listeners<RenditionEvent<PartInfo>>;
  readonly #onSegment: Listeners<RenditionEvent<SegmentInfo>>;
  readonly #onEvict: Listeners<RenditionEvent<SegmentInfo>>;
  readonly #onInit: Listeners<RenditionEvent<InitInfo>>;
  readonly #onChange: Listeners<string>;

  constructor(options: LlHlsStreamOptions) {
    const { renditions, ...packagerOptions } = options;
    if (renditions.length === 0) throw new RangeError('a live stream needs at least one rendition');
    this.#waiters = new WaitQueue(options.timers ?? systemTimers);
    const onError = (err: unknown) => options.logger?.warn({ err }, 'hls live stream listener failed');
    this.#onPart = new Listeners(onError);
    this.#onSegment = new Listeners(onError);
    this.#onEvict = new Listeners(onError);
    this.#onInit = new Listeners(onError);
    this.#onChange = new Listeners(onError);
    for (const spec of renditions) {
      if (!RENDITION_NAME.test(spec.name)) throw new RangeError(`invalid rendition name ${JSON.stringify(spec.name)}`);
      if (this.#specs.has(spec.name)) throw new RangeError(`duplicate rendition ${spec.name}`);
      const packager = new LlHlsPackager(packagerOptions);
      const rendition = spec.name;
      packager.onPart((p) => this.#onPart.emit({ ...p, rendition }));
      packager.onSegment((s) => this.#onSegment.emit({ ...s, rendition }));
      packager.onEvict((s) => this.#onEvict.emit({ ...s, rendition }));
      packager.onInit((i) => this.#onInit.emit({ ...i, rendition }));
      packager.onChange(() => {
        this.#waiters.notify();
        this.#onChange.emit(rendition);
      });
      this.#specs.set(spec.name, spec);
      this.#renditions.set(spec.name, packager);
    }
  }

  get renditionNames(): string[] {
    return [...this.#renditions.keys()];
  }

  rendition(name: string): LlHlsPackager | undefined {
    return this.#renditions.get(name);
  }

  /** Feeds one parser event of rendition `name`. */
  push(name: string, event: Fmp4Event): void {
    const packager = this.#renditions.get(name);
    if (!packager) throw new RangeError(`unknown rendition ${name}`);
    packager.push(event);
  }

  /** ffmpeg restarted: every rendition starts a new discontinuity together (§6.2.4). */
  discontinuity(): void {
    for (const packager of this.#renditions.values()) packager.discontinuity();
  }

  end(): void {
    for (const packager of this.#renditions.values()) packager.end();
  }

  get ended(): boolean {
    return [...this.#renditions.values()].every((p) => p.ended);
  }

  /** §6.2.4: every media playlist of the stream declares the same target duration. */
  get targetDuration(): number {
    return Math.max(...[...this.#renditions.values()].map((p) => p.targetDuration));
  }

  get partTarget(): number {
    return this.#renditions.values().next().value!.partTarget;
  }

  onPart(listener: (part: RenditionEvent<PartInfo>) => void): () => void {
    return this.#onPart.add(listener);
  }
  onSegment(listener: (segment: RenditionEvent<SegmentInfo>) => void): () => void {
    return this.#onSegment.add(listener);
  }
  onEvict(listener: (segment: RenditionEvent<SegmentInfo>) => void): () => void {
    return this.#onEvict.add(listener);
  }
  onInit(listener: (init: RenditionEvent<InitInfo>) => void): () => void {
    return this.#onInit.add(listener);
  }
  /** Some rendition's playlist changed (argument: its name). */
  onChange(listener: (rendition: string) => void): () => void {
    return this.#onChange.add(listener);
  }

  /** EXT-X-RENDITION-REPORT for every other rendition that has published something (§4.4.5.4). */
  renditionReports(forName: string): RenditionReport[] {
    const reports: RenditionReport[] = [];
    for (const [name, packager] of this.#renditions) {
      if (name === forName) continue;
      const last = packager.lastPosition();
      if (last) reports.push({ uri: hlsNames.siblingPlaylist(name), lastMsn: last.msn, lastPart: last.part });
    }
    return reports;
  }

  mediaPlaylist(name: string, options: { skip?: boolean } = {}): string | undefined {
    const packager = this.#renditions.get(name);
    if (!packager) return undefined;
    return packager.playlist({
      skip: options.skip,
      targetDuration: this.targetDuration,
      renditionReports: this.renditionReports(name),
    });
  }

  /** True once every rendition has its init segment, so codecs and resolutions are known. */
  get masterReady(): boolean {
    return [...this.#renditions.values()].every((p) => p.init !== undefined);
  }

  /** Resolves true once masterReady, false on timeout or abort. */
  waitForMaster(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.#waiters.wait(() => (this.masterReady ? true : undefined), timeoutMs, false, false, signal);
  }

  /** The multivariant playlist; undefined until every rendition has an init segment. */
  masterPlaylist(): string | undefined {
    if (!this.masterReady) return undefined;
    const audioGroups = new Map<string, { codecs: string[]; peak: number; average: number }>();
    const audio: AudioRendition[] = [];
    for (const [name, spec] of this.#specs) {
      if (spec.type !== 'audio') continue;
      const packager = this.#renditions.get(name)!;
      const groupId = spec.groupId ?? 'audio';
      const track = packager.init!.tracks.find((t) => t.kind === 'audio');
      const group = audioGroups.get(groupId) ?? { codecs: [], peak: 0, average: 0 };
      const { peak, average } = bandwidthOf(spec, packager);
      group.peak = Math.max(group.peak, peak);
      group.average = Math.max(group.average, average ?? peak);
      for (const codec of codecsOf(packager)) if (!group.codecs.includes(codec)) group.codecs.push(codec);
      audioGroups.set(groupId, group);
      const isFirstInGroup = !audio.some((a) => a.groupId === groupId);
      audio.push({
        groupId,
        name: spec.label ?? name,
        uri: hlsNames.mediaPlaylist(name),
        language: spec.language,
        default: spec.default ?? isFirstInGroup,
        autoselect: true,
        channels: track?.channelCount === undefined ? undefined : String(track.channelCount),
      });
    }
    const variants: VariantStream[] = [];
    for (const [name, spec] of this.#specs) {
      if (spec.type === 'audio') continue;
      const packager = this.#renditions.get(name)!;
      const video = packager.init!.tracks.find((t) => t.kind === 'video');
      const group = spec.audioGroup === undefined ? undefined : audioGroups.get(spec.audioGroup);
      const codecs = codecsOf(packager);
      for (const codec of group?.codecs ?? []) if (!codecs.includes(codec)) codecs.push(codec);
      const { peak, average } = bandwidthOf(spec, packager);
      const measuredRate = video ? packager.sampleRate() : undefined;
      const frameRate =
        spec.frameRate ?? (measuredRate === undefined ? undefined : Math.round(measuredRate * 1000) / 1000);
      variants.push({
        uri: hlsNames.mediaPlaylist(name),
        bandwidth: peak + (group?.peak ?? 0),
        averageBandwidth: average === undefined ? undefined : average + (group?.average ?? 0),
        codecs,
        resolution: video?.width && video.height ? { width: video.width, height: video.height } : undefined,
        frameRate,
        audioGroup: group ? spec.audioGroup : undefined,
      });
    }
    return renderMasterPlaylist({ independentSegments: true, audio, variants });
  }
}

function codecsOf(packager: LlHlsPackager): string[] {
  const codecs: string[] = [];
  for (const track of packager.init?.tracks ?? []) {
    if (track.codec && !codecs.includes(track.codec)) codecs.push(track.codec);
  }
  return codecs;
}

function bandwidthOf(spec: RenditionSpec, packager: LlHlsPackager): { peak: number; average: number | undefined } {
  const measured = packager.bitrate();
  const peak = Math.max(spec.bandwidth ?? 0, measured?.peak ?? 0);
  const average = measured?.average ?? spec.averageBandwidth;
  return { peak: Math.round(peak), average: average === undefined ? undefined : Math.round(average) };
}

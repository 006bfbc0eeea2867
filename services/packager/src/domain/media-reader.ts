import {
  isRenditionName,
  parseSegmentIndex,
  parseThumbnailFileName,
  SEGMENT_INDEX,
  SESSION_MASTER,
  type SessionSegmentEntry,
  THUMBNAILS_DIR,
} from '@phzzk/contracts';
import { bitratesOf, type RenditionSummary, renderVodMaster } from './vod-playlists.ts';
import type { MediaStorage } from './ports.ts';

/** Reads codecs and the resolution out of an init segment (fMP4 moov). */
export type InitProbe = (bytes: Uint8Array) => { codecs: string[]; resolution?: { width: number; height: number } };

interface CachedIndex {
  size: number;
  mtimeMs: number;
  entries: SessionSegmentEntry[];
}

/** Segments sampled for the bit rates of a master playlist rendered while recording. */
const BITRATE_SAMPLES = 12;

/**
 * Reads a media directory (a session's `sessions/<id>/` or a clip's `clips/<id>/`, both in the
 * session-storage layout): its renditions, their segment indexes and a master playlist. Indexes are
 * parsed again only when their size or mtime changed, so a playlist request costs one stat.
 */
export class MediaReader {
  private readonly storage: MediaStorage;
  private readonly probe: InitProbe;
  private readonly indexes = new Map<string, CachedIndex>();
  private readonly masters = new Map<string, string>();
  private readonly references = new Map<string, string>();

  constructor(storage: MediaStorage, probe: InitProbe) {
    this.storage = storage;
    this.probe = probe;
  }

  async entries(dir: string, rendition: string): Promise<SessionSegmentEntry[]> {
    const key = `${dir}/${rendition}/${SEGMENT_INDEX}`;
    const stat = await this.storage.stat(key);
    if (!stat) {
      this.indexes.delete(key);
      return [];
    }
    const cached = this.indexes.get(key);
    if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached.entries;
    const text = (await this.storage.readText(key)) ?? '';
    const entries = parseSegmentIndex(text);
    // Sized from what was read: a line appended in between is picked up by the next request.
    if (this.indexes.size > 2000) this.indexes.clear();
    this.indexes.set(key, { size: Buffer.byteLength(text), mtimeMs: stat.mtimeMs, entries });
    return entries;
  }

  /** Renditions that have a segment index, in name order. */
  async renditions(dir: string): Promise<string[]> {
    const names = await this.storage.list(dir);
    const found: string[] = [];
    for (const name of names.sort()) {
      if (!isRenditionName(name) || name === THUMBNAILS_DIR || name === 'storyboard') continue;
      if (await this.storage.stat(`${dir}/${name}/${SEGMENT_INDEX}`)) found.push(name);
    }
    return found;
  }

  /** The rendition whose entries define the timeline (the richest one), with its entries. */
  async reference(dir: string): Promise<{ rendition: string; entries: SessionSegmentEntry[] } | undefined> {
    let name = this.references.get(dir);
    if (!name) {
      const summaries = await this.summaries(dir);
      const best = summaries.sort((a, b) => b.bandwidth - a.bandwidth)[0];
      if (!best) return undefined;
      name = best.name;
      // Chosen for good once its bit rate is measured on every sample.
      if (summaries.every((s) => s.samples >= BITRATE_SAMPLES)) {
        if (this.references.size > 1000) this.references.clear();
        this.references.set(dir, name);
      }
    }
    return { rendition: name, entries: await this.entries(dir, name) };
  }

  /**
   * The master playlist: the transcoder's own once it has written it (the session is complete, its
   * bit rates measured on every segment), otherwise one rendered from init segments and sampled
   * segment sizes. Undefined while no rendition has a segment.
   */
  async master(dir: string): Promise<string | undefined> {
    const written = await this.storage.readText(`${dir}/${SESSION_MASTER}`);
    if (written) return written;
    const cached = this.masters.get(dir);
    if (cached) return cached;
    const summaries = await this.summaries(dir);
    if (summaries.length === 0) return undefined;
    const text = renderVodMaster(summaries);
    // Once every sample is in, the rendering no longer changes.
    if (summaries.every((s) => s.samples >= BITRATE_SAMPLES)) {
      if (this.masters.size > 1000) this.masters.clear();
      this.masters.set(dir, text);
    }
    return text;
  }

  private async summaries(dir: string): Promise<(RenditionSummary & { samples: number })[]> {
    const out: (RenditionSummary & { samples: number })[] = [];
    for (const name of await this.renditions(dir)) {
      const entries = await this.entries(dir, name);
      const first = entries[0];
      if (!first) continue;
      const init = await this.storage.readBytes(`${dir}/${name}/${first.initUri}`);
      if (!init) continue;
      let probed: ReturnType<InitProbe>;
      try {
        probed = this.probe(init);
      } catch {
        continue;
      }
      const samples: [number, number][] = [];
      for (const e of entries.slice(0, BITRATE_SAMPLES)) {
        const stat = await this.storage.stat(`${dir}/${name}/${e.uri}`);
        if (stat) samples.push([stat.size, e.duration]);
      }
      const { peak, average } = bitratesOf(samples);
      out.push({ name, bandwidth: peak, averageBandwidth: average, ...probed, samples: samples.length });
    }
    return out;
  }

  /** Capture times (epoch ms) of the thumbnails in a directory, sorted. */
  async thumbnails(dir: string): Promise<number[]> {
    const names = await this.storage.list(`${dir}/${THUMBNAILS_DIR}`);
    const times: number[] = [];
    for (const name of names) {
      const t = parseThumbnailFileName(name);
      if (t !== undefined) times.push(t);
    }
    return times.sort((a, b) => a - b);
  }

  forget(dir: string): void {
    this.masters.delete(dir);
    this.references.delete(dir);
    for (const key of this.indexes.keys()) if (key.startsWith(`${dir}/`)) this.indexes.delete(key);
  }
}

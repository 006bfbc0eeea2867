import {
  CLIP_MIN_SECONDS,
  type Clip,
  type ClipPage,
  formatSegmentIndexLine,
  RENDITION_PLAYLIST,
  SEGMENT_INDEX,
  sessionStoragePaths,
  THUMBNAILS_DIR,
  thumbnailFileName,
} from '@phzzk/contracts';
import { type ClipSelection, selectClip, selectLastSeconds } from './clip-range.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { badCursor, clipNotFound, noMedia, notLive, outOfRange, vodNotFound } from './errors.ts';
import type { MediaReader } from './media-reader.ts';
import type { ClipRow, ClipStore, MediaStorage, MediaTimeline, Remuxer, VodRow, VodStore } from './ports.ts';
import { capturesOnTimeline } from './storyboard.ts';
import { cleanTitle } from './titles.ts';
import { clipUrls, packagerPaths } from './urls.ts';
import { renderRenditionPlaylist } from './vod-playlists.ts';

export type ClipRequest =
  | { channelId: string; durationSeconds: number; title?: string }
  | { vodId: string; startSeconds: number; durationSeconds: number; title?: string };

export interface ClipsDeps {
  clips: ClipStore;
  vods: VodStore;
  storage: MediaStorage;
  reader: MediaReader;
  remuxer: Remuxer;
  newId: () => string;
  now: () => Date;
}

/**
 * Clips: whole segments of a VOD (live or finished) that the clip owns (hard links under
 * `clips/<id>/`, in the session-storage layout), so it plays at once, outlives its VOD, and is
 * remuxed (not re-encoded) into an MP4 before the request returns.
 */
export class Clips {
  private readonly d: ClipsDeps;

  constructor(deps: ClipsDeps) {
    this.d = deps;
  }

  async create(callerId: string, request: ClipRequest): Promise<Clip> {
    const title = request.title === undefined ? undefined : cleanTitle(request.title);
    let vod: VodRow | undefined;
    if ('vodId' in request) {
      vod = await this.d.vods.get(request.vodId);
      if (!vod || vod.status === 'failed') throw vodNotFound();
    } else {
      vod = await this.d.vods.recordingOf(request.channelId);
      if (!vod || vod.endedAt) throw notLive();
    }
    const sessionDir = sessionStoragePaths.session(vod.sessionId);
    const reference = await this.d.reader.reference(sessionDir);
    if (!reference || reference.entries.length === 0) throw noMedia();
    let selection: ClipSelection | undefined;
    if ('vodId' in request) {
      selection = selectClip(reference.entries, request.startSeconds, request.durationSeconds);
      if (!selection) throw outOfRange('The clip must lie inside the VOD.');
    } else {
      selection = selectLastSeconds(reference.entries, request.durationSeconds);
      if (!selection || selection.durationSeconds < CLIP_MIN_SECONDS - 0.5) {
        throw outOfRange(`Fewer than ${CLIP_MIN_SECONDS} seconds have been recorded.`);
      }
    }

    const id = this.d.newId();
    const dir = packagerPaths.clip(id);
    try {
      await this.copyMedia(sessionDir, dir, selection, reference.rendition, reference.entries);
    } catch (error) {
      await this.d.storage.remove(dir).catch(() => {});
      // The VOD was deleted while the clip was being cut.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw vodNotFound();
      throw error;
    }
    const row: ClipRow = {
      id,
      channelId: vod.channelId,
      vodId: vod.id,
      sessionId: vod.sessionId,
      title: title ?? `${vod.title} (clip)`.slice(0, 140),
      createdBy: callerId,
      createdAt: this.d.now(),
      startSeconds: selection.startSeconds,
      durationSeconds: selection.durationSeconds,
    };
    await this.d.clips.insert(row);
    return this.present(row, true);
  }

  private async copyMedia(
    sessionDir: string,
    clipDir: string,
    selection: ClipSelection,
    reference: string,
    referenceEntries: readonly ClipEntry[],
  ): Promise<void> {
    const wanted = new Set(selection.msns);
    for (const rendition of await this.d.reader.renditions(sessionDir)) {
      const entries = (await this.d.reader.entries(sessionDir, rendition)).filter((e) => wanted.has(e.msn));
      if (entries.length === 0) continue;
      const inits = new Set(entries.map((e) => e.initUri));
      for (const init of inits) {
        await this.d.storage.link(`${sessionDir}/${rendition}/${init}`, `${clipDir}/${rendition}/${init}`);
      }
      for (const e of entries) {
        await this.d.storage.link(`${sessionDir}/${rendition}/${e.uri}`, `${clipDir}/${rendition}/${e.uri}`);
      }
      // The first segment of a clip starts its timeline; what the VOD marked stays marked.
      const index = entries.map((e, i) => formatSegmentIndexLine(i === 0 ? { ...e, discontinuity: false } : e));
      await this.d.storage.write(`${clipDir}/${rendition}/${SEGMENT_INDEX}`, index.join(''));
      await this.d.storage.write(
        `${clipDir}/${rendition}/${RENDITION_PLAYLIST}`,
        renderRenditionPlaylist(entries, 'VOD'),
      );
    }
    // The clip's picture: the capture nearest its start.
    const captures = await this.d.reader.thumbnails(sessionDir);
    const timeline = capturesOnTimeline(referenceEntries, captures);
    const nearest = timeline.filter(([t]) => t >= selection.startSeconds).sort((a, b) => a[0] - b[0])[0];
    if (nearest) {
      await this.d.storage.link(
        `${sessionDir}/${THUMBNAILS_DIR}/${thumbnailFileName(nearest[1])}`,
        `${clipDir}/thumbnail.jpg`,
      );
    }
    const timelines: MediaTimeline[] = [];
    const referenceClip = referenceEntries.filter((e) => wanted.has(e.msn));
    referenceClip.forEach((e, i) => {
      const previous = referenceClip[i - 1];
      const starts = !previous || e.discontinuity || e.initUri !== previous.initUri || e.msn !== previous.msn + 1;
      if (starts) timelines.push({ init: `${clipDir}/${reference}/${e.initUri}`, segments: [] });
      timelines.at(-1)!.segments.push(`${clipDir}/${reference}/${e.uri}`);
    });
    await this.d.remuxer.remuxToMp4(timelines, `${clipDir}/${reference}/${RENDITION_PLAYLIST}`, `${clipDir}/clip.mp4`);
  }

  async get(id: string): Promise<Clip> {
    const row = await this.d.clips.get(id);
    if (!row) throw clipNotFound();
    return this.present(row);
  }

  async list(query: { channelId: string; cursor?: string; limit?: number }): Promise<ClipPage> {
    const limit = query.limit ?? 20;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) throw badCursor();
    const rows = await this.d.clips.list(query.channelId, { cursor, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await Promise.all(page.map((row) => this.present(row))),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  private async present(row: ClipRow, vodKnown = false): Promise<Clip> {
    const vodExists = vodKnown || (row.vodId !== null && (await this.d.vods.get(row.vodId)) !== undefined);
    const thumbnail = await this.d.storage.stat(`${packagerPaths.clip(row.id)}/thumbnail.jpg`);
    return {
      id: row.id,
      channelId: row.channelId,
      vodId: vodExists ? row.vodId : null,
      sessionId: row.sessionId,
      title: row.title,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      startSeconds: row.startSeconds,
      durationSeconds: row.durationSeconds,
      playlistUrl: clipUrls.playlist(row.id),
      mp4Url: clipUrls.mp4(row.id),
      thumbnailUrl: thumbnail ? clipUrls.thumbnail(row.id) : null,
    };
  }
}

type ClipEntry = Awaited<ReturnType<MediaReader['entries']>>[number];

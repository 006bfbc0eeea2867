import { CONTENT_TYPES } from '@phzzk/media/hls';
import { sessionStoragePaths, THUMBNAILS_DIR, thumbnailFileName } from '@phzzk/contracts';
import type { MediaResource } from './media-path.ts';
import type { MediaReader } from './media-reader.ts';
import type { ClipStore, VodRow, VodStore } from './ports.ts';
import { renderStoryboardVtt, tileStart } from './storyboard.ts';
import { packagerPaths, vodUrls } from './urls.ts';
import { durationOf, type PlaylistType, renderRenditionPlaylist } from './vod-playlists.ts';

/** What to answer for a media path: a text rendered now, or a stored file. */
export type MediaAnswer =
  | { kind: 'text'; body: string; contentType: string; cacheControl: string }
  | {
      kind: 'file';
      key: string;
      contentType: string;
      cacheControl: string;
      /** Sent as Content-Disposition (downloads). */
      disposition?: string;
    }
  | { kind: 'missing' };

const IMMUTABLE = 'public, max-age=31536000, immutable';
const MISSING: MediaAnswer = { kind: 'missing' };

/**
 * Maps /vod/** resources to answers. Playlists are rendered from the segment index on request
 * (EVENT while recording, VOD once ready), so a VOD is final the moment its row says `ready`,
 * whatever its length; the row is read on every playlist request, so a deleted VOD answers 404 at
 * once. Segments, init segments, sheets and MP4s never change under their name: immutable.
 */
export class MediaCatalog {
  private readonly vods: VodStore;
  private readonly clips: ClipStore;
  private readonly reader: MediaReader;
  private readonly rendered = new Map<string, { entries: readonly unknown[]; type: PlaylistType; text: string }>();

  constructor(deps: { vods: VodStore; clips: ClipStore; reader: MediaReader }) {
    this.vods = deps.vods;
    this.clips = deps.clips;
    this.reader = deps.reader;
  }

  async answer(resource: MediaResource): Promise<MediaAnswer> {
    return resource.owner.kind === 'vod' ? this.vodAnswer(resource) : this.clipAnswer(resource);
  }

  private async vodAnswer(resource: MediaResource): Promise<MediaAnswer> {
    const row = await this.vods.get(resource.owner.id);
    if (!row || row.status === 'failed') return MISSING;
    const dir = sessionStoragePaths.session(row.sessionId);
    const live = row.status === 'recording';
    switch (resource.kind) {
      case 'master': {
        const body = await this.reader.master(dir);
        if (!body) return MISSING;
        return text(body, CONTENT_TYPES.playlist, live ? 'public, max-age=2' : 'public, max-age=60');
      }
      case 'playlist':
        return this.playlist(dir, resource.rendition, live ? 'EVENT' : 'VOD');
      case 'media':
        return file(`${dir}/${resource.rendition}/${resource.file}`, mediaType(resource.file), IMMUTABLE);
      case 'thumbnail': {
        const at = live ? (await this.reader.thumbnails(dir)).at(-1) : (row.thumbnailMs ?? undefined);
        if (at === undefined) return MISSING;
        return file(
          `${dir}/${THUMBNAILS_DIR}/${thumbnailFileName(at)}`,
          'image/jpeg',
          live ? 'public, max-age=5' : 'public, max-age=3600',
        );
      }
      case 'storyboard-vtt': {
        if (row.storyboardTiles === 0) return MISSING;
        const duration = await this.durationFor(row, dir);
        const body = renderStoryboardVtt(row.storyboardTiles, duration, (f) => vodUrls.sheet(row.id, f));
        return text(body, 'text/vtt; charset=utf-8', row.storyboardDone ? 'public, max-age=3600' : 'public, max-age=5');
      }
      case 'storyboard-sheet':
        return file(`${packagerPaths.storyboard(row.id)}/${resource.file}`, 'image/jpeg', IMMUTABLE);
      default:
        return MISSING;
    }
  }

  private async clipAnswer(resource: MediaResource): Promise<MediaAnswer> {
    const row = await this.clips.get(resource.owner.id);
    if (!row) return MISSING;
    const dir = packagerPaths.clip(row.id);
    switch (resource.kind) {
      case 'master': {
        const body = await this.reader.master(dir);
        return body ? text(body, CONTENT_TYPES.playlist, 'public, max-age=3600') : MISSING;
      }
      case 'playlist':
        return this.playlist(dir, resource.rendition, 'VOD');
      case 'media':
        return file(`${dir}/${resource.rendition}/${resource.file}`, mediaType(resource.file), IMMUTABLE);
      case 'thumbnail':
        return file(`${dir}/thumbnail.jpg`, 'image/jpeg', IMMUTABLE);
      case 'mp4':
        return {
          kind: 'file',
          key: `${dir}/clip.mp4`,
          contentType: 'video/mp4',
          cacheControl: IMMUTABLE,
          disposition: `attachment; filename="clip-${row.id}.mp4"`,
        };
      default:
        return MISSING;
    }
  }

  private async playlist(dir: string, rendition: string, type: PlaylistType): Promise<MediaAnswer> {
    const entries = await this.reader.entries(dir, rendition);
    // Never a playlist without segments: players take an empty one for a broken stream.
    if (entries.length === 0) return MISSING;
    const key = `${dir}/${rendition}`;
    let cached = this.rendered.get(key);
    if (!cached || cached.entries !== entries || cached.type !== type) {
      cached = { entries, type, text: renderRenditionPlaylist(entries, type) };
      if (this.rendered.size > 1000) this.rendered.clear();
      this.rendered.set(key, cached);
    }
    // A recording playlist grows every segment; a final one only changes if the VOD is deleted.
    return text(cached.text, CONTENT_TYPES.playlist, type === 'EVENT' ? 'public, max-age=1' : 'public, max-age=300');
  }

  private async durationFor(row: VodRow, dir: string): Promise<number> {
    if (row.status !== 'recording') return row.durationSeconds;
    const reference = await this.reader.reference(dir);
    return reference ? durationOf(reference.entries) : tileStart(row.storyboardTiles);
  }
}

function text(body: string, contentType: string, cacheControl: string): MediaAnswer {
  return { kind: 'text', body, contentType, cacheControl };
}

function file(key: string, contentType: string, cacheControl: string): MediaAnswer {
  return { kind: 'file', key, contentType, cacheControl };
}

const mediaType = (name: string): string => (name.endsWith('.mp4') ? CONTENT_TYPES.init : CONTENT_TYPES.media);

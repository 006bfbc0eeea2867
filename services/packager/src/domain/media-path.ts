import { isMediaFileName, isRenditionName, RENDITION_PLAYLIST } from '@phzzk/contracts';

// What a path below /vod/ names. Only exact shapes are accepted (UUIDs, rendition names, the file
// names the transcoder writes), so nothing a client sends ever reaches storage unchecked.

export type MediaOwner = { kind: 'vod'; id: string } | { kind: 'clip'; id: string };

export type MediaResource =
  | { kind: 'master'; owner: MediaOwner }
  | { kind: 'playlist'; owner: MediaOwner; rendition: string }
  | { kind: 'media'; owner: MediaOwner; rendition: string; file: string }
  | { kind: 'thumbnail'; owner: MediaOwner }
  | { kind: 'storyboard-vtt'; owner: MediaOwner }
  | { kind: 'storyboard-sheet'; owner: MediaOwner; file: string }
  | { kind: 'mp4'; owner: MediaOwner };

export type ParsedMediaPath = { ok: true; resource: MediaResource } | { ok: false; reason: 'bad-path' | 'not-found' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const SHEET_FILE = /^sheet-(\d{1,6})-(\d{1,4})\.jpg$/;

/**
 * Parses the raw request target (`/vod/...`, query ignored). Refuses (bad-path) what could only be
 * a trick: percent-encoded separators or dots, backslashes, NUL, empty or dot segments.
 */
export function parseMediaPath(rawUrl: string): ParsedMediaPath {
  const q = rawUrl.indexOf('?');
  const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  if (!path.startsWith('/vod/')) return { ok: false, reason: 'not-found' };
  if (/%(?:2f|5c|2e|00)|\\|\0/i.test(path)) return { ok: false, reason: 'bad-path' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return { ok: false, reason: 'bad-path' };
  }
  const parts = decoded.slice('/vod/'.length).split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return { ok: false, reason: 'bad-path' };

  let owner: MediaOwner;
  let rest: string[];
  if (parts[0] === 'clips') {
    if (!parts[1] || !UUID.test(parts[1])) return { ok: false, reason: 'not-found' };
    owner = { kind: 'clip', id: parts[1] };
    rest = parts.slice(2);
  } else {
    if (!parts[0] || !UUID.test(parts[0])) return { ok: false, reason: 'not-found' };
    owner = { kind: 'vod', id: parts[0] };
    rest = parts.slice(1);
  }
  const found = (resource: MediaResource): ParsedMediaPath => ({ ok: true, resource });
  if (rest.length === 1) {
    const [file] = rest as [string];
    if (file === 'master.m3u8') return found({ kind: 'master', owner });
    if (file === 'thumbnail.jpg') return found({ kind: 'thumbnail', owner });
    if (file === 'storyboard.vtt' && owner.kind === 'vod') return found({ kind: 'storyboard-vtt', owner });
    if (file === 'clip.mp4' && owner.kind === 'clip') return found({ kind: 'mp4', owner });
  }
  if (rest.length === 2) {
    const [dir, file] = rest as [string, string];
    if (dir === 'storyboard' && owner.kind === 'vod' && SHEET_FILE.test(file)) {
      return found({ kind: 'storyboard-sheet', owner, file });
    }
    if (isRenditionName(dir) && dir !== 'storyboard' && dir !== 'thumbnails') {
      if (file === RENDITION_PLAYLIST) return found({ kind: 'playlist', owner, rendition: dir });
      if (isMediaFileName(file)) return found({ kind: 'media', owner, rendition: dir, file });
    }
  }
  return { ok: false, reason: 'not-found' };
}

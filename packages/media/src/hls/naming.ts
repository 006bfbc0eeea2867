// Deterministic, relative resource names. Media playlists live at `{rendition}/playlist.m3u8` next
// to the master playlist; every URI inside a media playlist is relative to it. The HTTP layer routes
// with parseHlsPath() instead of re-deriving the scheme.

export const MASTER_PLAYLIST = 'master.m3u8';
export const MEDIA_PLAYLIST = 'playlist.m3u8';

export const hlsNames = {
  master: (): string => MASTER_PLAYLIST,
  /** Media playlist URI as seen from the master playlist. */
  mediaPlaylist: (rendition: string): string => `${rendition}/${MEDIA_PLAYLIST}`,
  /** A sibling rendition's playlist as seen from a media playlist (EXT-X-RENDITION-REPORT URI). */
  siblingPlaylist: (rendition: string): string => `../${rendition}/${MEDIA_PLAYLIST}`,
  init: (initId: number): string => `init-${initId}.mp4`,
  segment: (msn: number): string => `seg-${msn}.m4s`,
  part: (msn: number, part: number): string => `part-${msn}.${part}.m4s`,
} as const;

export type HlsResource =
  | { kind: 'master' }
  | { kind: 'playlist'; rendition: string }
  | { kind: 'init'; rendition: string; initId: number }
  | { kind: 'segment'; rendition: string; msn: number }
  | { kind: 'part'; rendition: string; msn: number; part: number };

/** Rendition names become path segments, so keep them to a safe alphabet. */
export const RENDITION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const INIT = /^init-(\d{1,15})\.mp4$/;
const SEGMENT = /^seg-(\d{1,15})\.m4s$/;
const PART = /^part-(\d{1,15})\.(\d{1,9})\.m4s$/;

/**
 * Maps a path below the stream root ("master.m3u8", "720p/playlist.m3u8", "720p/part-12.3.m4s")
 * to the resource it names; undefined for anything else (404).
 */
export function parseHlsPath(path: string): HlsResource | undefined {
  const clean = path.startsWith('/') ? path.slice(1) : path;
  if (clean === MASTER_PLAYLIST) return { kind: 'master' };
  const slash = clean.indexOf('/');
  if (slash < 0 || clean.indexOf('/', slash + 1) >= 0) return undefined;
  const rendition = clean.slice(0, slash);
  const file = clean.slice(slash + 1);
  if (!RENDITION_NAME.test(rendition)) return undefined;
  if (file === MEDIA_PLAYLIST) return { kind: 'playlist', rendition };
  let m = INIT.exec(file);
  if (m) return { kind: 'init', rendition, initId: Number(m[1]) };
  m = SEGMENT.exec(file);
  if (m) return { kind: 'segment', rendition, msn: Number(m[1]) };
  m = PART.exec(file);
  if (m) return { kind: 'part', rendition, msn: Number(m[1]), part: Number(m[2]) };
  return undefined;
}

export const CONTENT_TYPES = {
  playlist: 'application/vnd.apple.mpegurl',
  init: 'video/mp4',
  /** RFC 8216bis §3.1.2 / CMAF: fMP4 media segments. */
  media: 'video/iso.segment',
} as const;

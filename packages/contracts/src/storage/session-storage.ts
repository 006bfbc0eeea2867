// The media a live session leaves in shared storage, as the transcoder writes it and the packager
// reads it. Paths are relative to `storage.root` and always use `/`:
//
//   sessions/<sessionId>/master.m3u8                   the multivariant playlist, written when the
//                                                      session's media is complete (stream ended)
//   sessions/<sessionId>/<rendition>/init-<n>.mp4      CMAF init segments (a new one per encoder run)
//   sessions/<sessionId>/<rendition>/seg-<msn>.m4s     complete CMAF segments, never rewritten
//   sessions/<sessionId>/<rendition>/segments.jsonl    append-only index, one SessionSegmentEntry a
//                                                      line, appended after the segment file is written
//   sessions/<sessionId>/thumbnails/<epochMs>.jpg      a frame every few seconds (lowest rendition)

export const SESSIONS_DIR = 'sessions';
export const SEGMENT_INDEX = 'segments.jsonl';
/** The session's multivariant playlist; its presence says the transcoder finished the session. */
export const SESSION_MASTER = 'master.m3u8';
/** A rendition's media playlist file name (next to its segments). */
export const RENDITION_PLAYLIST = 'playlist.m3u8';
export const THUMBNAILS_DIR = 'thumbnails';

/** One line of a rendition's segment index (appended as segments complete). */
export interface SessionSegmentEntry {
  msn: number;
  /** File name of the segment, relative to the rendition directory. */
  uri: string;
  /** Seconds. */
  duration: number;
  /** File name of the init segment this segment decodes with. */
  initUri: string;
  /** A new timeline starts here (encoder restart, takeover). */
  discontinuity: boolean;
  /** Wall clock of the segment's first frame, epoch milliseconds. */
  programDateTime: number;
}

/** Session ids and rendition names become path segments: only these shapes are ever joined. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RENDITION = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const MEDIA_FILE = /^(?:init-\d{1,15}\.mp4|seg-\d{1,15}\.m4s)$/;
const THUMBNAIL_FILE = /^(\d{1,15})\.jpg$/;

export const isSessionId = (value: string): boolean => SESSION_ID.test(value);
export const isRenditionName = (value: string): boolean => RENDITION.test(value);
/** An init or segment file name as the transcoder writes them. */
export const isMediaFileName = (value: string): boolean => MEDIA_FILE.test(value);

export const sessionStoragePaths = {
  session: (sessionId: string): string => `${SESSIONS_DIR}/${checked(sessionId, SESSION_ID)}`,
  master: (sessionId: string): string => `${sessionStoragePaths.session(sessionId)}/${SESSION_MASTER}`,
  rendition: (sessionId: string, rendition: string): string =>
    `${sessionStoragePaths.session(sessionId)}/${checked(rendition, RENDITION)}`,
  index: (sessionId: string, rendition: string): string =>
    `${sessionStoragePaths.rendition(sessionId, rendition)}/${SEGMENT_INDEX}`,
  thumbnails: (sessionId: string): string => `${sessionStoragePaths.session(sessionId)}/${THUMBNAILS_DIR}`,
  thumbnail: (sessionId: string, epochMs: number): string =>
    `${sessionStoragePaths.thumbnails(sessionId)}/${thumbnailFileName(epochMs)}`,
} as const;

export const thumbnailFileName = (epochMs: number): string => `${Math.trunc(epochMs)}.jpg`;

/** The capture time of a thumbnail file name, or undefined for any other name (a .tmp file). */
export function parseThumbnailFileName(name: string): number | undefined {
  const m = THUMBNAIL_FILE.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function formatSegmentIndexLine(entry: SessionSegmentEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * Parses an index file. A torn last line (the writer died mid-append) and any line that is not a
 * well-formed entry are skipped; a msn written twice (a successor rewrote it) keeps the last one.
 */
export function parseSegmentIndex(text: string): SessionSegmentEntry[] {
  const entries = new Map<number, SessionSegmentEntry>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const entry = asEntry(value);
    if (entry) entries.set(entry.msn, entry);
  }
  return [...entries.values()].sort((a, b) => a.msn - b.msn);
}

function asEntry(value: unknown): SessionSegmentEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  if (!Number.isSafeInteger(e.msn) || (e.msn as number) < 0) return undefined;
  if (typeof e.uri !== 'string' || !MEDIA_FILE.test(e.uri)) return undefined;
  if (typeof e.initUri !== 'string' || !MEDIA_FILE.test(e.initUri)) return undefined;
  if (typeof e.duration !== 'number' || !(e.duration > 0) || !Number.isFinite(e.duration)) return undefined;
  const programDateTime =
    typeof e.programDateTime === 'number' && Number.isFinite(e.programDateTime) ? e.programDateTime : 0;
  return {
    msn: e.msn as number,
    uri: e.uri,
    duration: e.duration,
    initUri: e.initUri,
    discontinuity: e.discontinuity === true,
    programDateTime,
  };
}

function checked(value: string, shape: RegExp): string {
  if (!shape.test(value)) throw new RangeError(`not a safe path segment: ${JSON.stringify(value)}`);
  return value;
}

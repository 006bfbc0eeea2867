// Pure Media Playlist renderer (RFC 8216bis §4.4.3-4.4.5). It formats exactly what the model says;
// deciding which segments, parts and tags belong in it is the packager's job.
import { attributes, formatDateTime, formatDecimal, quoted } from './format.ts';

/** HLS protocol version 9: EXT-X-SKIP (delta updates) is the newest feature we use (§8). */
export const LL_HLS_VERSION = 9;

export type PlaylistPart = { uri: string; duration: number; independent: boolean };

export type PlaylistSegment = {
  /** Undefined for the in-progress segment at the live edge: only its parts are listed. */
  uri?: string;
  /** EXTINF duration in seconds (required when uri is set). */
  duration?: number;
  /** EXT-X-PART tags; only segments near the live edge keep them (§6.2.2). */
  parts?: readonly PlaylistPart[];
  discontinuity?: boolean;
  /** EXT-X-MAP to (re)declare before this segment. */
  mapUri?: string;
  /** EXT-X-PROGRAM-DATE-TIME, epoch milliseconds. */
  programDateTime?: number;
};

export type ServerControl = {
  canBlockReload?: boolean;
  /** CAN-SKIP-UNTIL seconds (>= 6x target duration, §4.4.3.8). */
  canSkipUntil?: number;
  holdBack?: number;
  partHoldBack?: number;
};

export type RenditionReport = { uri: string; lastMsn: number; lastPart?: number };

export type MediaPlaylistModel = {
  version?: number;
  /** EXT-X-PLAYLIST-TYPE: EVENT (segments only appended) or VOD (complete, never changes); live: none. */
  playlistType?: 'EVENT' | 'VOD';
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence?: number;
  independentSegments?: boolean;
  /** EXT-X-PART-INF PART-TARGET seconds; set for a low-latency playlist. */
  partTarget?: number;
  serverControl?: ServerControl;
  /** Delta update: this many segments after mediaSequence were replaced by EXT-X-SKIP (§4.4.5.2). */
  skippedSegments?: number;
  /** Segments in order; the skipped ones are NOT in this list. */
  segments: readonly PlaylistSegment[];
  preloadHint?: { type: 'PART' | 'MAP'; uri: string };
  renditionReports?: readonly RenditionReport[];
  endList?: boolean;
};

export function renderMediaPlaylist(model: MediaPlaylistModel): string {
  if (!Number.isInteger(model.targetDuration) || model.targetDuration < 1) {
    throw new RangeError(`EXT-X-TARGETDURATION must be a positive integer, got ${model.targetDuration}`);
  }
  const lines: string[] = ['#EXTM3U', `#EXT-X-VERSION:${model.version ?? LL_HLS_VERSION}`];
  if (model.playlistType) lines.push(`#EXT-X-PLAYLIST-TYPE:${model.playlistType}`);
  lines.push(`#EXT-X-TARGETDURATION:${model.targetDuration}`);
  const sc = model.serverControl;
  if (sc) {
    const attrs = attributes([
      ['CAN-BLOCK-RELOAD', sc.canBlockReload ? 'YES' : undefined],
      ['CAN-SKIP-UNTIL', sc.canSkipUntil === undefined ? undefined : formatDecimal(sc.canSkipUntil)],
      ['PART-HOLD-BACK', sc.partHoldBack === undefined ? undefined : formatDecimal(sc.partHoldBack)],
      ['HOLD-BACK', sc.holdBack === undefined ? undefined : formatDecimal(sc.holdBack)],
    ]);
    if (attrs) lines.push(`#EXT-X-SERVER-CONTROL:${attrs}`);
  }
  if (model.partTarget !== undefined) lines.push(`#EXT-X-PART-INF:PART-TARGET=${formatDecimal(model.partTarget)}`);
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${model.mediaSequence}`);
  if (model.discontinuitySequence !== undefined) {
    lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${model.discontinuitySequence}`);
  }
  if (model.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  if (model.skippedSegments) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${model.skippedSegments}`);

  model.segments.forEach((segment, i) => {
    const last = i === model.segments.length - 1;
    if (segment.uri === undefined && !last) throw new RangeError('only the last segment may be in progress');
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (segment.mapUri !== undefined) lines.push(`#EXT-X-MAP:URI=${quoted(segment.mapUri)}`);
    if (segment.programDateTime !== undefined) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${formatDateTime(segment.programDateTime)}`);
    }
    for (const part of segment.parts ?? []) {
      const attrs = attributes([
        ['DURATION', formatDecimal(part.duration)],
        ['URI', quoted(part.uri)],
        ['INDEPENDENT', part.independent ? 'YES' : undefined],
      ]);
      lines.push(`#EXT-X-PART:${attrs}`);
    }
    if (segment.uri !== undefined) {
      if (segment.duration === undefined) throw new RangeError(`segment ${segment.uri} has no duration`);
      lines.push(`#EXTINF:${formatDecimal(segment.duration)},`, segment.uri);
    }
  });

  if (model.preloadHint) {
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=${model.preloadHint.type},URI=${quoted(model.preloadHint.uri)}`);
  }
  for (const report of model.renditionReports ?? []) {
    const attrs = attributes([
      ['URI', quoted(report.uri)],
      ['LAST-MSN', String(report.lastMsn)],
      ['LAST-PART', report.lastPart === undefined ? undefined : String(report.lastPart)],
    ]);
    lines.push(`#EXT-X-RENDITION-REPORT:${attrs}`);
  }
  if (model.endList) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

// The playlist model, pure: a rendition's segments in (as a segment index keeps them), a media
// playlist model out, for a LIVE window, a growing EVENT playlist or a finished VOD. It decides
// where EXT-X-MAP, EXT-X-DISCONTINUITY and EXT-X-PROGRAM-DATE-TIME go; media-playlist.ts prints.
import { LL_HLS_VERSION, type MediaPlaylistModel, type PlaylistPart, renderMediaPlaylist } from './media-playlist.ts';

export type PlaylistKind = 'live' | 'event' | 'vod';

export interface PlaylistEntry {
  /** Media sequence number; a gap in numbering (a lost segment) is a timeline break. */
  msn?: number;
  uri: string;
  /** Seconds. */
  duration: number;
  /** The init segment this segment decodes with (EXT-X-MAP wherever it changes). */
  initUri: string;
  /** A new timeline starts here (encoder restart, takeover). */
  discontinuity?: boolean;
  /** Epoch milliseconds of the segment's first sample. */
  programDateTime?: number;
  /** LL-HLS parts (live playlists, near the live edge). */
  parts?: readonly PlaylistPart[];
}

export interface PlaylistInput {
  kind: PlaylistKind;
  segments: readonly PlaylistEntry[];
  /** Whole seconds; default: the longest segment rounded up (at least 1). */
  targetDuration?: number;
  /** Default: the first segment's msn, else 0. */
  mediaSequence?: number;
  discontinuitySequence?: number;
  /** The stream ended: EXT-X-ENDLIST on a LIVE or EVENT playlist (a VOD playlist always has it). */
  ended?: boolean;
  /** Low-latency playlists: EXT-X-PART-INF. */
  partTarget?: number;
  serverControl?: MediaPlaylistModel['serverControl'];
  preloadHint?: MediaPlaylistModel['preloadHint'];
  renditionReports?: MediaPlaylistModel['renditionReports'];
  /** Default: 9 (LL-HLS) with parts or a part target, 7 otherwise. */
  version?: number;
}

/** Builds the model: EXT-X-MAP before the first segment and at every init change or break. */
export function playlistModel(input: PlaylistInput): MediaPlaylistModel {
  const { segments } = input;
  let previousInit: string | undefined;
  let previousMsn: number | undefined;
  const modelSegments = segments.map((entry, i) => {
    const gap = previousMsn !== undefined && entry.msn !== undefined && entry.msn !== previousMsn + 1;
    const discontinuity = i > 0 && (entry.discontinuity === true || gap || entry.initUri !== previousInit);
    const segment = {
      uri: entry.uri,
      duration: entry.duration,
      discontinuity,
      mapUri: entry.initUri !== previousInit || discontinuity ? entry.initUri : undefined,
      // A date where a timeline starts: players derive the rest from durations.
      programDateTime: i === 0 || discontinuity ? entry.programDateTime : undefined,
      parts: entry.parts,
    };
    previousInit = entry.initUri;
    previousMsn = entry.msn;
    return segment;
  });
  const lowLatency = input.partTarget !== undefined || segments.some((s) => s.parts && s.parts.length > 0);
  const longest = Math.max(1, ...segments.map((s) => s.duration));
  return {
    version: input.version ?? (lowLatency ? LL_HLS_VERSION : 7),
    playlistType: input.kind === 'vod' ? 'VOD' : input.kind === 'event' ? 'EVENT' : undefined,
    targetDuration: input.targetDuration ?? Math.ceil(longest - 1e-6),
    mediaSequence: input.mediaSequence ?? segments[0]?.msn ?? 0,
    discontinuitySequence: input.discontinuitySequence,
    independentSegments: true,
    partTarget: input.partTarget,
    serverControl: input.serverControl,
    segments: modelSegments,
    preloadHint: input.kind === 'vod' || input.ended ? undefined : input.preloadHint,
    renditionReports: input.renditionReports,
    endList: input.kind === 'vod' || input.ended === true,
  };
}

/** playlistModel, printed. */
export function renderPlaylist(input: PlaylistInput): string {
  return renderMediaPlaylist(playlistModel(input));
}

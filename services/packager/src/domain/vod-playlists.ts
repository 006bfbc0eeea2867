import type { SessionSegmentEntry } from '@phzzk/contracts';
import { type PlaylistSegment, renderMasterPlaylist, renderMediaPlaylist, type VariantStream } from '@phzzk/media/hls';

// Media and multivariant playlists of a VOD or clip, rendered from a segment index. Pure, and kept
// to this one module so that it can give way to the playlist model of `@phzzk/media/hls` (LIVE /
// EVENT / VOD rendering) once that exists: only these functions call the renderers.

/** EVENT: the broadcast is still live (segments are only ever added); VOD: final. */
export type PlaylistType = 'EVENT' | 'VOD';

/** Version 7: EXT-X-MAP in a playlist without I-frames only (RFC 8216bis §7). */
const VERSION = 7;

/**
 * A rendition's media playlist: every segment of the index with its real duration, a
 * discontinuity (and a new EXT-X-MAP) wherever the encoder restarted, another instance took over,
 * the init segment changed or a segment is missing from the numbering.
 */
export function renderRenditionPlaylist(entries: readonly SessionSegmentEntry[], type: PlaylistType): string {
  const segments: PlaylistSegment[] = [];
  let previous: SessionSegmentEntry | undefined;
  for (const e of entries) {
    const breaks =
      previous !== undefined && (e.discontinuity || e.msn !== previous.msn + 1 || e.initUri !== previous.initUri);
    segments.push({
      uri: e.uri,
      duration: e.duration,
      discontinuity: breaks,
      mapUri: previous === undefined || breaks ? e.initUri : undefined,
      programDateTime: (previous === undefined || breaks) && e.programDateTime > 0 ? e.programDateTime : undefined,
    });
    previous = e;
  }
  const text = renderMediaPlaylist({
    version: VERSION,
    targetDuration: targetDurationOf(entries),
    mediaSequence: entries[0]?.msn ?? 0,
    independentSegments: true,
    segments,
    endList: type === 'VOD',
  });
  // RFC 8216bis §4.4.3.5: EVENT lets players seek back to the start while the list grows.
  return text.replace('#EXT-X-TARGETDURATION:', `#EXT-X-PLAYLIST-TYPE:${type}\n#EXT-X-TARGETDURATION:`);
}

/** EXT-X-TARGETDURATION: the longest segment rounded to the nearest integer (§4.4.3.1), at least 1. */
export function targetDurationOf(entries: readonly SessionSegmentEntry[]): number {
  let longest = 1;
  for (const e of entries) longest = Math.max(longest, Math.round(e.duration));
  return longest;
}

export function durationOf(entries: readonly SessionSegmentEntry[]): number {
  let total = 0;
  for (const e of entries) total += e.duration;
  return Math.round(total * 1000) / 1000;
}

/** What the multivariant playlist says about one rendition. */
export interface RenditionSummary {
  name: string;
  /** Peak and average bits per second measured on segment sizes. */
  bandwidth: number;
  averageBandwidth: number;
  codecs: readonly string[];
  resolution?: { width: number; height: number };
}

/** The multivariant playlist over the renditions, the richest first (what players start with). */
export function renderVodMaster(renditions: readonly RenditionSummary[]): string {
  const variants: VariantStream[] = [...renditions]
    .sort((a, b) => b.bandwidth - a.bandwidth)
    .map((r) => ({
      uri: `${r.name}/playlist.m3u8`,
      bandwidth: Math.max(1, Math.round(r.bandwidth)),
      averageBandwidth: Math.max(1, Math.round(r.averageBandwidth)),
      codecs: r.codecs,
      resolution: r.resolution,
    }));
  return renderMasterPlaylist({ version: VERSION, independentSegments: true, variants });
}

/** Bit rates from sampled segments: [bytes, seconds] pairs. */
export function bitratesOf(samples: readonly (readonly [number, number])[]): { peak: number; average: number } {
  let bytes = 0;
  let seconds = 0;
  let peak = 0;
  for (const [size, duration] of samples) {
    bytes += size;
    seconds += duration;
    if (duration > 0) peak = Math.max(peak, (size * 8) / duration);
  }
  return { peak, average: seconds > 0 ? (bytes * 8) / seconds : 0 };
}

import type { SessionSegmentEntry } from '@phzzk/contracts';
import { renderMasterPlaylist, renderPlaylist, type VariantStream } from '@phzzk/media/hls';

// Media and multivariant playlists of a VOD or clip, rendered from a segment index with the
// playlist model of `@phzzk/media/hls` (where EXT-X-MAP, EXT-X-DISCONTINUITY and
// EXT-X-PROGRAM-DATE-TIME go is decided there, the same way for live, EVENT and VOD).

/** EVENT: the broadcast is still live (segments are only ever added); VOD: final. */
export type PlaylistType = 'EVENT' | 'VOD';

/** Version 7: EXT-X-MAP in a playlist without I-frames only (RFC 8216bis §7). */
const VERSION = 7;

/**
 * A rendition's media playlist: every segment of the index with its real duration, a
 * discontinuity (and a new EXT-X-MAP) wherever the encoder restarted, another instance took over,
 * the init segment changed or a segment is missing from the numbering. EVENT lets players seek
 * back to the start while the list grows (RFC 8216bis §4.4.3.5).
 */
export function renderRenditionPlaylist(entries: readonly SessionSegmentEntry[], type: PlaylistType): string {
  return renderPlaylist({
    kind: type === 'VOD' ? 'vod' : 'event',
    version: VERSION,
    segments: entries.map((e) => ({
      msn: e.msn,
      uri: e.uri,
      duration: e.duration,
      initUri: e.initUri,
      discontinuity: e.discontinuity,
      programDateTime: e.programDateTime > 0 ? e.programDateTime : undefined,
    })),
  });
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

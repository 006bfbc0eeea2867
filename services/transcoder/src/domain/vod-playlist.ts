import { renderPlaylist } from '@phzzk/media/hls';

/** One line of a rendition's segment index on disk (appended as segments complete). */
export interface VodSegmentEntry {
  msn: number;
  uri: string;
  /** Seconds. */
  duration: number;
  /** The exposed init segment URI this segment decodes with. */
  initUri: string;
  /** A new timeline starts here (encoder restart, takeover). */
  discontinuity: boolean;
  /** Epoch milliseconds. */
  programDateTime: number;
}

export function formatIndexLine(entry: VodSegmentEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** Parses an index file; a torn last line (the writer died mid-append) is skipped. */
export function parseIndex(text: string): VodSegmentEntry[] {
  const entries = new Map<number, VodSegmentEntry>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as VodSegmentEntry;
      if (Number.isInteger(e.msn) && typeof e.uri === 'string' && e.duration > 0) entries.set(e.msn, e);
    } catch {
      // ignore
    }
  }
  return [...entries.values()].sort((a, b) => a.msn - b.msn);
}

/**
 * The finished rendition as an HLS VOD playlist (EXT-X-PLAYLIST-TYPE:VOD, EXT-X-ENDLIST): every kept
 * segment, a discontinuity and EXT-X-MAP wherever the encoder restarted or another instance took over.
 */
export function renderVodPlaylist(entries: readonly VodSegmentEntry[]): string {
  return renderPlaylist({ kind: 'vod', segments: entries });
}

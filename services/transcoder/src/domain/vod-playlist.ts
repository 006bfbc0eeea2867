import { renderMediaPlaylist } from '@phzzk/media/hls';

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
 * The finished rendition as an HLS VOD playlist (EXT-X-ENDLIST): every kept segment, a
 * discontinuity and EXT-X-MAP wherever the encoder restarted or another instance took over.
 */
export function renderVodPlaylist(entries: readonly VodSegmentEntry[]): string {
  const maxDuration = Math.max(1, ...entries.map((e) => e.duration));
  let previousInit: string | undefined;
  let previousMsn: number | undefined;
  const segments = entries.map((e, i) => {
    // A gap in numbering (a segment lost with a dead instance) is a timeline break too.
    const gap = previousMsn !== undefined && e.msn !== previousMsn + 1;
    const discontinuity = i > 0 && (e.discontinuity || gap || e.initUri !== previousInit);
    const segment = {
      uri: e.uri,
      duration: e.duration,
      discontinuity,
      mapUri: e.initUri !== previousInit || discontinuity ? e.initUri : undefined,
      programDateTime: i === 0 || discontinuity ? e.programDateTime : undefined,
    };
    previousInit = e.initUri;
    previousMsn = e.msn;
    return segment;
  });
  const text = renderMediaPlaylist({
    version: 7,
    targetDuration: Math.ceil(maxDuration - 1e-6),
    mediaSequence: entries[0]?.msn ?? 0,
    independentSegments: true,
    segments,
    endList: true,
  });
  // Tell players the list is complete and will not change (RFC 8216bis 4.4.3.5).
  return text.replace('#EXT-X-TARGETDURATION:', '#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-TARGETDURATION:');
}

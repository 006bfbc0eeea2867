import type { SessionSegmentEntry } from '@phzzk/contracts';
import { renderPlaylist } from '@phzzk/media/hls';

/**
 * The finished rendition as an HLS VOD playlist (EXT-X-PLAYLIST-TYPE:VOD, EXT-X-ENDLIST): every kept
 * segment, a discontinuity and EXT-X-MAP wherever the encoder restarted or another instance took over.
 */
export function renderVodPlaylist(entries: readonly SessionSegmentEntry[]): string {
  return renderPlaylist({ kind: 'vod', segments: entries });
}

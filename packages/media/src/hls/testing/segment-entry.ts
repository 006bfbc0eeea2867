// Test-only playlist entries: segment `msn` of a stream cut into equal segments from a start time.
import type { PlaylistEntry } from '../playlist-model.ts';

/** An entry as a rendition's segment index holds it: every field present. */
export type SegmentEntry = PlaylistEntry & { msn: number; discontinuity: boolean; programDateTime: number };

/**
 * `entry(msn, extra)` for segments of `duration` seconds from `startMs` on (default: 2 s from
 * 2025-01-01); `extra` overrides any field but the wall clock, which follows the msn.
 */
export function segmentEntries({ duration = 2, startMs = Date.UTC(2025, 0, 1) } = {}) {
  return (msn: number, extra: Partial<PlaylistEntry> = {}): SegmentEntry => ({
    msn,
    uri: `seg-${msn}.m4s`,
    duration,
    initUri: 'init-0.mp4',
    discontinuity: false,
    programDateTime: startMs + msn * duration * 1000,
    ...extra,
  });
}

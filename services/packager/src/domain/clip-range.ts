import type { SessionSegmentEntry } from '@phzzk/contracts';

export interface ClipSelection {
  /** The segments' msn, in order: the same numbers in every rendition (keyframes are aligned). */
  msns: number[];
  /** Where the first selected segment starts on the VOD's timeline. */
  startSeconds: number;
  durationSeconds: number;
}

/**
 * The whole segments that cover [start, start + duration) of a rendition's timeline (a clip is
 * segment-accurate: it cuts at segment boundaries, without re-encoding). Undefined when the range
 * is not inside the media.
 */
export function selectClip(
  entries: readonly SessionSegmentEntry[],
  startSeconds: number,
  durationSeconds: number,
): ClipSelection | undefined {
  const end = startSeconds + durationSeconds;
  let position = 0;
  const msns: number[] = [];
  let first: number | undefined;
  let total = 0;
  for (const e of entries) {
    const segmentEnd = position + e.duration;
    // A tolerance of a millisecond: durations are sums of floats.
    if (segmentEnd > startSeconds + 0.001 && position < end - 0.001) {
      if (first === undefined) first = position;
      msns.push(e.msn);
      total += e.duration;
    }
    position = segmentEnd;
  }
  if (first === undefined || end > position + 0.001) return undefined;
  return { msns, startSeconds: round(first), durationSeconds: round(total) };
}

/** The last `durationSeconds` of what is recorded so far (a clip of a live broadcast). */
export function selectLastSeconds(
  entries: readonly SessionSegmentEntry[],
  durationSeconds: number,
): ClipSelection | undefined {
  let total = 0;
  for (const e of entries) total += e.duration;
  if (total <= 0) return undefined;
  return selectClip(entries, Math.max(0, total - durationSeconds), Math.min(durationSeconds, total));
}

const round = (s: number): number => Math.round(s * 1000) / 1000;

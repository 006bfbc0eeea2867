// Blocking-reload readiness (§6.2.5.2, §6.2.6), pure: where the live edge is decides whether a
// requested position is there, too far ahead to wait for, or a part that may still appear.
import type { PlaylistPosition } from './packager-types.ts';

export interface LiveEdge {
  ended: boolean;
  /** msn of the last complete segment (firstMediaSequence - 1 before any). */
  lastCompleteMsn: number;
  /** The last published part. */
  last: { msn: number; part: number } | undefined;
  /** msn the next segment will get. */
  nextMsn: number;
  /** The segment in progress: its msn and published part count. */
  current: { msn: number; parts: number } | undefined;
}

/**
 * True once the playlist holds segment `msn` (or a later one); with `part`, once it holds that
 * part of `msn` or anything later. A part index past the last part of a completed segment means
 * part 0 of the next segment. Always true once the stream has ended (directives are ignored with
 * EXT-X-ENDLIST).
 */
export function isReady(edge: LiveEdge, position: PlaylistPosition): boolean {
  if (edge.ended) return true;
  if (position.part === undefined) return edge.lastCompleteMsn >= position.msn;
  // Lexicographic "(msn, part) or later" already treats a part index past a segment's last part
  // as part 0 of the next segment (§6.2.5.2): (msn + 1, 0) is the first position after it.
  const last = edge.last;
  if (!last) return false;
  return last.msn > position.msn || (last.msn === position.msn && last.part >= position.part);
}

/**
 * A request more than two segments ahead, or further than the Advance Part Limit past the last
 * part, should get 400 at once instead of blocking.
 */
export function isTooFarAhead(
  edge: LiveEdge,
  position: PlaylistPosition,
  partTarget: number,
  targetSeconds: number,
): boolean {
  if (edge.ended) return false;
  const last = edge.last ?? { msn: edge.nextMsn - 1, part: -1 };
  if (position.msn > last.msn + 2) return true;
  if (position.part === undefined) return false;
  const advancePartLimit = partTarget < 1 ? 3 / partTarget : 3;
  const partsPerSegment = Math.max(1, Math.ceil(targetSeconds / partTarget));
  let ahead: number;
  if (position.msn <= last.msn) {
    ahead = position.msn === last.msn ? position.part - last.part : 0;
  } else {
    ahead =
      Math.max(0, partsPerSegment - 1 - last.part) +
      (position.msn - last.msn - 1) * partsPerSegment +
      position.part +
      1;
  }
  return ahead > advancePartLimit;
}

/** Whether (msn, part) can still be published: it is (one of) the next part(s). */
export function mayAppear(edge: LiveEdge, msn: number, part: number): boolean {
  if (edge.ended) return false;
  const current = edge.current;
  if (!current) return msn === edge.nextMsn && part === 0;
  if (msn === current.msn) return part === current.parts;
  return msn === current.msn + 1 && part === 0;
}

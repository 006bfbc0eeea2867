// The live media playlist model, pure: the live window (complete segments) and the segment in
// progress in, the LL-HLS model out (parts near the edge, delta updates, server control, hint).
import { LL_HLS_VERSION, type MediaPlaylistModel, type PlaylistSegment } from './media-playlist.ts';
import { hlsNames } from './naming.ts';
import type { PlaylistOptions, Segment } from './packager-types.ts';

/** §6.2.2: EXT-X-PART tags are removed once more than three target durations from the end. */
const PART_RETENTION_TARGET_DURATIONS = 3;

export interface LivePlaylistState {
  /** Complete segments in the live playlist, oldest first. */
  window: readonly Segment[];
  /** The segment in progress (listed once it has a part). */
  current: Segment | undefined;
  nextMsn: number;
  discontinuitySequence: number;
  ended: boolean;
  partTarget: number;
  /** EXT-X-TARGETDURATION as the packager computed it. */
  targetDuration: number;
  /** CAN-SKIP-UNTIL setting: false disables delta updates. */
  canSkipUntil: number | false | undefined;
  partHoldBack: number;
  holdBack: number | undefined;
  /** The part EXT-X-PRELOAD-HINT names, when there is an init to decode it with. */
  hint: { msn: number; part: number } | undefined;
}

export function livePlaylistModel(state: LivePlaylistState, options: PlaylistOptions = {}): MediaPlaylistModel {
  const targetDuration = Math.max(options.targetDuration ?? 0, state.targetDuration);
  const listed = [...state.window];
  if (state.current && state.current.parts.length > 0) listed.push(state.current);
  const ends: number[] = [];
  let total = 0;
  for (const seg of listed) {
    total += seg.ticks / seg.timescale;
    ends.push(total);
  }
  const canSkipUntil = canSkipUntilFor(state.canSkipUntil, targetDuration);
  let skipped = 0;
  if (options.skip && canSkipUntil !== undefined && !state.ended) {
    // §6.2.5.1: skip segments further than the Skip Boundary from the end of the last segment.
    const lastCompleteEnd = ends[state.window.length - 1] ?? 0;
    while (skipped < state.window.length && lastCompleteEnd - ends[skipped]! > canSkipUntil) skipped++;
  }
  const segments: PlaylistSegment[] = [];
  let previousInit: number | undefined;
  listed.forEach((seg, i) => {
    if (i < skipped) return;
    const keepParts = total - ends[i]! <= PART_RETENTION_TARGET_DURATIONS * targetDuration;
    segments.push({
      uri: seg.complete ? hlsNames.segment(seg.msn) : undefined,
      duration: seg.complete ? seg.ticks / seg.timescale : undefined,
      // The first segment's discontinuity is carried by EXT-X-DISCONTINUITY-SEQUENCE instead.
      discontinuity: i > 0 && seg.discontinuity,
      mapUri: seg.initId !== previousInit ? hlsNames.init(seg.initId) : undefined,
      programDateTime: seg.programDateTime,
      parts: keepParts
        ? seg.parts.map((p) => ({
            uri: hlsNames.part(seg.msn, p.index),
            duration: p.ticks / seg.timescale,
            independent: p.independent,
          }))
        : undefined,
    });
    previousInit = seg.initId;
  });
  const first = listed[0];
  const hint = state.hint;
  return {
    version: LL_HLS_VERSION,
    targetDuration,
    mediaSequence: first?.msn ?? state.nextMsn,
    discontinuitySequence: first ? first.discontinuitySequence : state.discontinuitySequence,
    independentSegments: true,
    partTarget: state.partTarget,
    serverControl: {
      canBlockReload: true,
      canSkipUntil,
      partHoldBack: state.partHoldBack,
      holdBack: Math.max(state.holdBack ?? 0, 3 * targetDuration),
    },
    skippedSegments: skipped,
    segments,
    preloadHint: hint ? { type: 'PART', uri: hlsNames.part(hint.msn, hint.part) } : undefined,
    renditionReports: options.renditionReports,
    endList: state.ended,
  };
}

function canSkipUntilFor(setting: number | false | undefined, targetDuration: number): number | undefined {
  if (setting === false) return undefined;
  return Math.max(setting ?? 0, 6 * targetDuration);
}

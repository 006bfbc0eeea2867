import type { SessionSegmentEntry } from '@phzzk/contracts';
import type { SheetLayout } from './ports.ts';

// Seek previews: tiles (small frames) at regular times of the VOD, laid out in sprite sheets of at
// most 11 x 11 = 121 tiles (PeerTube's cap), described by a WebVTT file whose cues point at a tile
// with a `#xywh=` media fragment. A tile stands for the time from its start to the next tile's.
// Long broadcasts get more seconds per tile (tiers below), so a 2-hour VOD has ~900 tiles, not 3600.

export const SHEET_COLUMNS = 11;
export const SHEET_ROWS = 11;
export const TILES_PER_SHEET = SHEET_COLUMNS * SHEET_ROWS;
export const TILE_WIDTH = 160;
export const TILE_HEIGHT = 90;

/** Seconds per tile by position in the broadcast: fine at first, coarser the longer it runs. */
const TIERS: readonly { untilSeconds: number; step: number }[] = [
  { untilSeconds: 600, step: 2 },
  { untilSeconds: 3600, step: 6 },
  { untilSeconds: Number.POSITIVE_INFINITY, step: 20 },
];

/** The start time of tile `index` (a pure function, so a tile's place never changes). */
export function tileStart(index: number): number {
  let start = 0;
  let remaining = index;
  for (const tier of TIERS) {
    const tilesInTier = Number.isFinite(tier.untilSeconds)
      ? Math.round((tier.untilSeconds - start) / tier.step)
      : Number.POSITIVE_INFINITY;
    if (remaining < tilesInTier) return start + remaining * tier.step;
    remaining -= tilesInTier;
    start = tier.untilSeconds;
  }
  return start;
}

/** How many tiles start before `seconds`. */
export function tilesBefore(seconds: number): number {
  let count = 0;
  while (tileStart(count) < seconds - 1e-9) count++;
  return count;
}

export const sheetOf = (tile: number): number => Math.floor(tile / TILES_PER_SHEET);

/** The layout of sheet `sheet` when `tiles` tiles exist in total (the last sheet may be partial). */
export function sheetLayout(sheet: number, tiles: number): SheetLayout & { first: number; count: number } {
  const first = sheet * TILES_PER_SHEET;
  const count = Math.max(0, Math.min(TILES_PER_SHEET, tiles - first));
  const rows = Math.max(1, Math.ceil(count / SHEET_COLUMNS));
  return { first, count, columns: SHEET_COLUMNS, rows, tileWidth: TILE_WIDTH, tileHeight: TILE_HEIGHT };
}

/** A sheet's file name carries its tile count: a grown sheet is a new URL (sheets are immutable). */
export const sheetFileName = (sheet: number, count: number): string => `sheet-${sheet}-${count}.jpg`;

/** The WebVTT storyboard over `tiles` tiles of a VOD lasting `durationSeconds`. */
export function renderStoryboardVtt(
  tiles: number,
  durationSeconds: number,
  sheetUrl: (file: string) => string,
): string {
  const lines = ['WEBVTT', ''];
  for (let i = 0; i < tiles; i++) {
    const start = tileStart(i);
    const end = Math.min(
      i + 1 < tiles ? tileStart(i + 1) : Math.max(durationSeconds, start + 1),
      Math.max(durationSeconds, start + 1),
    );
    const sheet = sheetOf(i);
    const layout = sheetLayout(sheet, tiles);
    const slot = i - layout.first;
    const x = (slot % SHEET_COLUMNS) * TILE_WIDTH;
    const y = Math.floor(slot / SHEET_COLUMNS) * TILE_HEIGHT;
    lines.push(
      `${vttTime(start)} --> ${vttTime(end)}`,
      `${sheetUrl(sheetFileName(sheet, layout.count))}#xywh=${x},${y},${TILE_WIDTH},${TILE_HEIGHT}`,
      '',
    );
  }
  return lines.join('\n');
}

export function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** How far outside the segments a capture may lie and still count (it is named when written). */
const CAPTURE_SLACK_MS = 10_000;

/**
 * Places wall-clock captures (thumbnail epoch ms) on the VOD's timeline through the segments'
 * program date times, so gaps (a takeover) do not shift them. A capture in a gap between segments
 * goes to the end of the segment before it; one up to 10 s before the first or after the last
 * segment (thumbnails are named when written, a little after their frame) to the start or the end.
 * Returns [mediaSeconds, epochMs] sorted by time.
 */
export function capturesOnTimeline(
  entries: readonly SessionSegmentEntry[],
  captures: readonly number[],
): [number, number][] {
  const sorted = [...captures].sort((a, b) => a - b);
  const out: [number, number][] = [];
  const first = entries[0];
  if (!first) return out;
  let position = 0;
  let c = 0;
  while (c < sorted.length && sorted[c]! < first.programDateTime - CAPTURE_SLACK_MS) c++;
  while (c < sorted.length && sorted[c]! < first.programDateTime) out.push([0, sorted[c++]!]);
  entries.forEach((e, i) => {
    const endMs = e.programDateTime + e.duration * 1000;
    const next = entries[i + 1];
    const limit = next ? next.programDateTime : endMs + CAPTURE_SLACK_MS;
    while (c < sorted.length && sorted[c]! < limit) {
      const at = sorted[c]!;
      const offset = Math.min(e.duration, Math.max(0, (at - e.programDateTime) / 1000));
      out.push([position + offset, at]);
      c++;
    }
    position += e.duration;
  });
  return out;
}

/** For each tile, the capture nearest its start (captures sorted by time; none: undefined). */
export function capturesForTiles(timeline: readonly [number, number][], tiles: number, from = 0): number[] {
  const chosen: number[] = [];
  let j = 0;
  for (let i = from; i < tiles; i++) {
    const t = tileStart(i);
    while (j + 1 < timeline.length && Math.abs(timeline[j + 1]![0] - t) <= Math.abs(timeline[j]![0] - t)) j++;
    const capture = timeline[j];
    if (capture) chosen.push(capture[1]);
  }
  return chosen;
}

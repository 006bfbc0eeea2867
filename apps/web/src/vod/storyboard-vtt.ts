// The packager's storyboard (seek previews): a WebVTT file whose cues name a sprite sheet and a
// tile in it with a media fragment, `sheet-0-121.jpg#xywh=160,0,160,90`. Parsed once per VOD;
// the tile under a seek-bar position is found by binary search.

export interface StoryboardTile {
  /** Cue start and end in seconds of the VOD. */
  start: number;
  end: number;
  /** The sprite sheet, resolved against the VTT's URL. */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const TIMING = /^((?:\d+:)?\d{1,2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{3})/;
const XYWH = /#xywh=(\d+),(\d+),(\d+),(\d+)$/;

/** `hh:mm:ss.mmm` or `mm:ss.mmm` in seconds. */
export function vttTimeToSeconds(text: string): number {
  const parts = text.split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/**
 * The tiles of a storyboard VTT, in time order. Cues that are not an image with an `#xywh=`
 * fragment (or have a bad timing, or a non-positive size) are skipped, never guessed; a text that
 * is not WebVTT gives no tiles.
 */
export function parseStoryboardVtt(text: string, baseUrl: string): StoryboardTile[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (!lines[0]?.startsWith('WEBVTT')) return [];
  const tiles: StoryboardTile[] = [];
  for (let i = 1; i < lines.length; i++) {
    const timing = TIMING.exec(lines[i]!.trim());
    if (!timing) continue;
    const payload = lines[i + 1]?.trim() ?? '';
    const fragment = XYWH.exec(payload);
    if (!fragment) continue;
    const [x, y, w, h] = fragment.slice(1).map(Number) as [number, number, number, number];
    const start = vttTimeToSeconds(timing[1]!);
    const end = vttTimeToSeconds(timing[2]!);
    if (!(end > start) || w <= 0 || h <= 0) continue;
    let url: string;
    try {
      url = new URL(payload.slice(0, fragment.index), baseUrl).toString();
    } catch {
      continue;
    }
    tiles.push({ start, end, url, x, y, w, h });
    i++;
  }
  return tiles.sort((a, b) => a.start - b.start);
}

/** The tile shown for `seconds`: the cue containing it, else the last one that starts before it. */
export function tileAt(tiles: readonly StoryboardTile[], seconds: number): StoryboardTile | undefined {
  if (tiles.length === 0 || !Number.isFinite(seconds)) return undefined;
  let low = 0;
  let high = tiles.length - 1;
  if (seconds < tiles[0]!.start) return tiles[0];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (tiles[mid]!.start <= seconds) low = mid;
    else high = mid - 1;
  }
  return tiles[low];
}

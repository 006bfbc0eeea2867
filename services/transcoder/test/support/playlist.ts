/** A minimal reader of our media playlists, for assertions. */
export interface Playlist {
  text: string;
  mediaSequence: number;
  discontinuitySequence: number;
  segments: { msn: number; uri?: string; map?: string; discontinuity: boolean; parts: string[] }[];
  preloadHint?: string;
  endList: boolean;
  skipped: number;
}

export function readPlaylist(text: string): Playlist {
  const value = (tag: string) => new RegExp(`^${tag}:(\\d+)`, 'm').exec(text)?.[1];
  const pl: Playlist = {
    text,
    mediaSequence: Number(value('#EXT-X-MEDIA-SEQUENCE') ?? 0),
    discontinuitySequence: Number(value('#EXT-X-DISCONTINUITY-SEQUENCE') ?? 0),
    segments: [],
    endList: text.includes('#EXT-X-ENDLIST'),
    skipped: Number(/SKIPPED-SEGMENTS=(\d+)/.exec(text)?.[1] ?? 0),
    preloadHint: /#EXT-X-PRELOAD-HINT:.*URI="([^"]+)"/.exec(text)?.[1],
  };
  let seg: Playlist['segments'][number] | undefined;
  const current = () => {
    seg ??= { msn: pl.mediaSequence + pl.skipped + pl.segments.length, discontinuity: false, parts: [] };
    return seg;
  };
  for (const line of text.split('\n')) {
    if (line === '#EXT-X-DISCONTINUITY') current().discontinuity = true;
    else if (line.startsWith('#EXT-X-MAP:')) current().map = /URI="([^"]+)"/.exec(line)?.[1];
    else if (line.startsWith('#EXT-X-PART:')) current().parts.push(/URI="([^"]+)"/.exec(line)![1]!);
    else if (line && !line.startsWith('#')) {
      current().uri = line;
      pl.segments.push(seg!);
      seg = undefined;
    }
  }
  if (seg) pl.segments.push(seg);
  return pl;
}

/** The last part listed: [msn, part index]. */
export function lastPart(pl: Playlist): [number, number] | undefined {
  for (let i = pl.segments.length - 1; i >= 0; i--) {
    const s = pl.segments[i]!;
    if (s.parts.length > 0) return [s.msn, s.parts.length - 1];
  }
  return undefined;
}

// Test-only reader of the media playlists we render, to check invariants on the text itself.

export type ReadPart = { uri: string; duration: number; independent: boolean; msn: number; index: number };
export type ReadSegment = {
  msn: number;
  uri?: string;
  duration?: number;
  parts: ReadPart[];
  discontinuity: boolean;
  map?: string;
  programDateTime?: string;
};
export type ReadPlaylist = {
  version?: number;
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  partTarget?: number;
  serverControl: Record<string, string>;
  skipped: number;
  segments: ReadSegment[];
  preloadHint?: string;
  reports: { uri: string; lastMsn: number; lastPart?: number }[];
  endList: boolean;
};

function attrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

export function readPlaylist(text: string): ReadPlaylist {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== '#EXTM3U') throw new Error('missing #EXTM3U');
  const pl: ReadPlaylist = {
    targetDuration: Number.NaN,
    mediaSequence: 0,
    discontinuitySequence: 0,
    serverControl: {},
    skipped: 0,
    segments: [],
    reports: [],
    endList: false,
  };
  let seg: ReadSegment | undefined;
  let pendingDuration: number | undefined;
  const current = (): ReadSegment => {
    seg ??= { msn: pl.mediaSequence + pl.skipped + pl.segments.length, parts: [], discontinuity: false };
    return seg;
  };
  for (const line of lines.slice(1)) {
    const [tag, value = ''] = line.startsWith('#')
      ? [line.slice(0, line.indexOf(':') < 0 ? line.length : line.indexOf(':')), line.slice(line.indexOf(':') + 1)]
      : ['', line];
    switch (tag) {
      case '#EXT-X-VERSION':
        pl.version = Number(value);
        break;
      case '#EXT-X-TARGETDURATION':
        pl.targetDuration = Number(value);
        break;
      case '#EXT-X-MEDIA-SEQUENCE':
        pl.mediaSequence = Number(value);
        break;
      case '#EXT-X-DISCONTINUITY-SEQUENCE':
        pl.discontinuitySequence = Number(value);
        break;
      case '#EXT-X-PART-INF':
        pl.partTarget = Number(attrs(value)['PART-TARGET']);
        break;
      case '#EXT-X-SERVER-CONTROL':
        pl.serverControl = attrs(value);
        break;
      case '#EXT-X-SKIP':
        pl.skipped = Number(attrs(value)['SKIPPED-SEGMENTS']);
        break;
      case '#EXT-X-DISCONTINUITY':
        current().discontinuity = true;
        break;
      case '#EXT-X-MAP':
        current().map = attrs(value).URI;
        break;
      case '#EXT-X-PROGRAM-DATE-TIME':
        current().programDateTime = value;
        break;
      case '#EXT-X-PART': {
        const a = attrs(value);
        const s = current();
        s.parts.push({
          uri: a.URI!,
          duration: Number(a.DURATION),
          independent: a.INDEPENDENT === 'YES',
          msn: s.msn,
          index: s.parts.length,
        });
        break;
      }
      case '#EXTINF':
        pendingDuration = Number(value.replace(/,.*$/, ''));
        break;
      case '#EXT-X-PRELOAD-HINT':
        pl.preloadHint = attrs(value).URI;
        break;
      case '#EXT-X-RENDITION-REPORT': {
        const a = attrs(value);
        pl.reports.push({
          uri: a.URI!,
          lastMsn: Number(a['LAST-MSN']),
          lastPart: a['LAST-PART'] === undefined ? undefined : Number(a['LAST-PART']),
        });
        break;
      }
      case '#EXT-X-ENDLIST':
        pl.endList = true;
        break;
      case '#EXT-X-INDEPENDENT-SEGMENTS':
        break;
      case '': {
        const s = current();
        s.uri = line;
        s.duration = pendingDuration;
        pl.segments.push(s);
        seg = undefined;
        pendingDuration = undefined;
        break;
      }
      default:
        throw new Error(`unexpected line ${line}`);
    }
  }
  if (seg) pl.segments.push(seg);
  return pl;
}

/** Just enough of an HLS playlist reader (RFC 8216bis, LL-HLS) for the live-path tests and benches. */

export type Attributes = Record<string, string>;

/** `A=1,B="x,y"` -> { A: '1', B: 'x,y' } (quoted values may hold commas). */
export function parseAttributes(list: string): Attributes {
  const out: Attributes = {};
  for (const m of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    const [, key, raw] = m as unknown as [string, string, string];
    out[key] = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  }
  return out;
}

export interface Variant {
  uri: string;
  attributes: Attributes;
}

export function parseMaster(text: string): Variant[] {
  const lines = text.split('\n').map((l) => l.trim());
  const variants: Variant[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return;
    const uri = lines.slice(i + 1).find((l) => l !== '' && !l.startsWith('#'));
    if (uri) variants.push({ uri, attributes: parseAttributes(line.slice('#EXT-X-STREAM-INF:'.length)) });
  });
  return variants;
}

export interface Part {
  msn: number;
  index: number;
  uri: string;
  duration: number;
  independent: boolean;
}

export interface MediaPlaylist {
  mediaSequence: number;
  targetDuration: number;
  partTarget: number | undefined;
  serverControl: Attributes;
  map: string | undefined;
  segments: { msn: number; uri: string; duration: number }[];
  parts: Part[];
  preloadHint: string | undefined;
  ended: boolean;
}

/** Parts are numbered by the segment they belong to (msn) and their index in it. */
export function parseMedia(text: string): MediaPlaylist {
  const out: MediaPlaylist = {
    mediaSequence: 0,
    targetDuration: 0,
    partTarget: undefined,
    serverControl: {},
    map: undefined,
    segments: [],
    parts: [],
    preloadHint: undefined,
    ended: false,
  };
  let msn = 0;
  let partIndex = 0;
  let duration = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const [tag, value = ''] = line.startsWith('#') ? splitTag(line) : ['', ''];
    if (tag === '#EXT-X-MEDIA-SEQUENCE') msn = out.mediaSequence = Number(value);
    else if (tag === '#EXT-X-TARGETDURATION') out.targetDuration = Number(value);
    else if (tag === '#EXT-X-PART-INF') out.partTarget = Number(parseAttributes(value)['PART-TARGET']);
    else if (tag === '#EXT-X-SERVER-CONTROL') out.serverControl = parseAttributes(value);
    else if (tag === '#EXT-X-MAP') out.map = parseAttributes(value).URI;
    else if (tag === '#EXT-X-ENDLIST') out.ended = true;
    else if (tag === '#EXT-X-PRELOAD-HINT') out.preloadHint = parseAttributes(value).URI;
    else if (tag === '#EXTINF') duration = Number.parseFloat(value);
    else if (tag === '#EXT-X-PART') {
      const a = parseAttributes(value);
      out.parts.push({
        msn,
        index: partIndex++,
        uri: a.URI ?? '',
        duration: Number(a.DURATION),
        independent: a.INDEPENDENT === 'YES',
      });
    } else if (line !== '' && !line.startsWith('#')) {
      out.segments.push({ msn, uri: line, duration });
      msn++;
      partIndex = 0;
    }
  }
  return out;
}

function splitTag(line: string): [string, string] {
  const colon = line.indexOf(':');
  return colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1)];
}

/** The next part after the playlist's last one (what a blocking reload asks for). */
export function nextPart(playlist: MediaPlaylist): { msn: number; part: number } {
  const last = playlist.parts.at(-1);
  if (!last) return { msn: playlist.mediaSequence + playlist.segments.length, part: 0 };
  // A finished segment's parts are followed by its EXTINF: the next part opens the next segment.
  const closed = playlist.segments.some((s) => s.msn === last.msn);
  return closed ? { msn: last.msn + 1, part: 0 } : { msn: last.msn, part: last.index + 1 };
}

export async function getText(url: string, timeoutMs = 10_000): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

export async function getBytes(url: string, timeoutMs = 10_000): Promise<Uint8Array> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

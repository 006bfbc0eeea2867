import { request } from 'node:http';
import { run } from './session-media.ts';

export interface MediaPlaylist {
  type: string | undefined;
  endList: boolean;
  mediaSequence: number;
  segments: { uri: string; duration: number; discontinuity: boolean; map: string | undefined }[];
  duration: number;
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split('\n');
  const segments: MediaPlaylist['segments'] = [];
  let discontinuity = false;
  let map: string | undefined;
  let pending: number | undefined;
  for (const line of lines) {
    if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    const m = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    if (m) map = m[1];
    const d = /^#EXTINF:([\d.]+)/.exec(line);
    if (d) pending = Number(d[1]);
    else if (pending !== undefined && line && !line.startsWith('#')) {
      segments.push({ uri: line, duration: pending, discontinuity, map });
      pending = undefined;
      discontinuity = false;
      map = undefined;
    }
  }
  return {
    type: /#EXT-X-PLAYLIST-TYPE:(\w+)/.exec(text)?.[1],
    endList: text.includes('#EXT-X-ENDLIST'),
    mediaSequence: Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0),
    segments,
    duration: segments.reduce((s, x) => s + x.duration, 0),
  };
}

/**
 * Reads every packet of the first video stream behind a playlist URL with ffprobe, the whole
 * media, and returns the time it spans: the end of the last packet minus the start of the first.
 */
export async function probedVideoSeconds(url: string): Promise<{ seconds: number; packets: number }> {
  const out = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,duration_time',
    '-of',
    'csv=p=0',
    url,
  ]);
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let packets = 0;
  for (const line of out.split('\n')) {
    const [pts, duration] = line.split(',').map(Number);
    if (pts === undefined || !Number.isFinite(pts)) continue;
    packets++;
    first = Math.min(first, pts);
    last = Math.max(last, pts + (Number.isFinite(duration) ? duration! : 0));
  }
  return { seconds: last - first, packets };
}

/** Decodes everything behind a URL (every stream); rejects on any decoding or reading error. */
export function decodesCleanly(url: string): Promise<string> {
  return run('ffmpeg', [
    '-hide_banner',
    '-v',
    'error',
    '-nostdin',
    '-xerror',
    '-i',
    url,
    '-map',
    '0',
    '-f',
    'null',
    '-',
  ]);
}

/** A GET with the request target exactly as given (no URL normalization on the way). */
export function rawGet(baseUrl: string, path: string): Promise<{ status: number; contentType: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      res.resume();
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? '') }),
      );
    });
    req.once('error', reject);
    req.end();
  });
}

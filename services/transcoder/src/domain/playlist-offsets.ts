// The media library numbers init segments and discontinuities from zero in every packager. A
// stream resumed after a takeover (or a new session of the channel) shifts both so that URIs and
// sequence numbers never repeat; media sequence numbers are shifted by the library itself.
import type { ResumePoint } from './continuity.ts';

const INIT_FILE = /^(.*\/)?init-(\d{1,15})\.mp4$/;
const DISCONTINUITY_SEQUENCE = /^#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)$/m;
const MAP_URI = /URI="init-(\d{1,15})\.mp4"/g;

type Offsets = Pick<ResumePoint, 'discontinuityBase' | 'initBase'>;

/** A request path below the stream root, with an exposed init id mapped back to the packager's. */
export function toLocalPath(path: string, offsets: Offsets): string | undefined {
  const m = INIT_FILE.exec(path);
  if (!m || offsets.initBase === 0) return path;
  const local = Number(m[2]) - offsets.initBase;
  return local < 0 ? undefined : `${m[1] ?? ''}init-${local}.mp4`;
}

/** A rendered media playlist with the exposed discontinuity sequence and init URIs. */
export function toExposedPlaylist(text: string, offsets: Offsets): string {
  let out = text;
  if (offsets.discontinuityBase > 0) {
    out = out.replace(
      DISCONTINUITY_SEQUENCE,
      (_, n: string) => `#EXT-X-DISCONTINUITY-SEQUENCE:${Number(n) + offsets.discontinuityBase}`,
    );
  }
  if (offsets.initBase > 0) {
    out = out.replace(MAP_URI, (_, n: string) => `URI="init-${Number(n) + offsets.initBase}.mp4"`);
  }
  return out;
}

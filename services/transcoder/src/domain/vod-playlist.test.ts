import { describe, expect, it } from 'vitest';
import { formatSegmentIndexLine, parseSegmentIndex } from '@phzzk/contracts';
import { renderPlaylist } from '@phzzk/media/hls';
import { renderVodPlaylist } from './vod-playlist.ts';
import { segmentEntries } from '@phzzk/media/test-support/segment-entry';

const entry = segmentEntries();

describe('VOD playlist', () => {
  it('lists every kept segment with ENDLIST, a map per timeline and a discontinuity at restarts and gaps', () => {
    const index =
      [
        entry(3),
        entry(4, { duration: 2.5 }),
        entry(5, { initUri: 'init-1.mp4', discontinuity: true }),
        entry(7, { initUri: 'init-2.mp4' }),
      ]
        .map(formatSegmentIndexLine)
        .join('') + '{"msn":8,"uri":"se'; // a writer died mid-line
    const kept = parseSegmentIndex(index);
    // The torn last line is dropped; what is kept renders as the media package's VOD playlist
    // (whose exact text playlist-model.test.ts pins down).
    expect(kept.map((e) => e.msn)).toEqual([3, 4, 5, 7]);
    const text = renderVodPlaylist(kept);
    expect(text).toBe(renderPlaylist({ kind: 'vod', segments: kept }));
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n');
    expect(text.endsWith('seg-7.m4s\n#EXT-X-ENDLIST\n')).toBe(true);
    expect(text.match(/#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-\d\.mp4"/g)).toEqual([
      '#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-1.mp4"',
      '#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-2.mp4"',
    ]);
    expect(text).not.toContain('seg-8');
  });
});

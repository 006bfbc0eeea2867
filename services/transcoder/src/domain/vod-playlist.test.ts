import { describe, expect, it } from 'vitest';
import { formatSegmentIndexLine, parseSegmentIndex, type SessionSegmentEntry } from '@phzzk/contracts';
import { renderVodPlaylist } from './vod-playlist.ts';

const entry = (msn: number, extra: Partial<SessionSegmentEntry> = {}): SessionSegmentEntry => ({
  msn,
  uri: `seg-${msn}.m4s`,
  duration: 2,
  initUri: 'init-0.mp4',
  discontinuity: false,
  programDateTime: Date.UTC(2025, 0, 1, 0, 0, msn * 2),
  ...extra,
});

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
    const text = renderVodPlaylist(parseSegmentIndex(index));
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-TARGETDURATION:3',
        '#EXT-X-MEDIA-SEQUENCE:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MAP:URI="init-0.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T00:00:06.000Z',
        '#EXTINF:2.0,',
        'seg-3.m4s',
        '#EXTINF:2.5,',
        'seg-4.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="init-1.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T00:00:10.000Z',
        '#EXTINF:2.0,',
        'seg-5.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="init-2.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T00:00:14.000Z',
        '#EXTINF:2.0,',
        'seg-7.m4s',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });
});

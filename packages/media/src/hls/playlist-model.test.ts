import { describe, expect, it } from 'vitest';
import { playlistModel, renderPlaylist } from './playlist-model.ts';
import { segmentEntries } from './testing/segment-entry.ts';

const entry = segmentEntries();

describe('renderPlaylist', () => {
  const segments = [
    entry(3),
    entry(4, { duration: 2.5 }),
    entry(5, { initUri: 'init-1.mp4' }),
    entry(7, { initUri: 'init-1.mp4' }),
  ];

  it('VOD: PLAYLIST-TYPE VOD, ENDLIST, a map and a date per timeline, a discontinuity at init changes and gaps', () => {
    expect(renderPlaylist({ kind: 'vod', segments })).toBe(
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
        '#EXT-X-MAP:URI="init-1.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T00:00:14.000Z',
        '#EXTINF:2.0,',
        'seg-7.m4s',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  it('EVENT: PLAYLIST-TYPE EVENT, no ENDLIST until ended', () => {
    const growing = renderPlaylist({ kind: 'event', segments: segments.slice(0, 2) });
    expect(growing).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n');
    expect(growing).not.toContain('#EXT-X-ENDLIST');
    expect(renderPlaylist({ kind: 'event', segments, ended: true }).endsWith('#EXT-X-ENDLIST\n')).toBe(true);
  });

  it('LIVE: no PLAYLIST-TYPE; parts, part target and a preload hint make it LL-HLS (version 9)', () => {
    const model = playlistModel({
      kind: 'live',
      targetDuration: 2,
      mediaSequence: 10,
      discontinuitySequence: 1,
      partTarget: 0.2,
      serverControl: { canBlockReload: true, partHoldBack: 0.6 },
      segments: [entry(10, { parts: [{ uri: 'part-10.0.m4s', duration: 0.2, independent: true }] })],
      preloadHint: { type: 'PART', uri: 'part-10.1.m4s' },
    });
    expect(model.playlistType).toBeUndefined();
    expect(model.version).toBe(9);
    expect(model.endList).toBe(false);
    const text = renderPlaylist({
      kind: 'live',
      targetDuration: 2,
      segments: [entry(10, { parts: [{ uri: 'part-10.0.m4s', duration: 0.2, independent: true }] })],
      preloadHint: { type: 'PART', uri: 'part-10.1.m4s' },
    });
    expect(text).toContain('#EXT-X-PART:DURATION=0.2,URI="part-10.0.m4s",INDEPENDENT=YES\n#EXTINF:2.0,\nseg-10.m4s');
    expect(text).toContain('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-10.1.m4s"');
    expect(text).not.toContain('PLAYLIST-TYPE');
    // Ended: the hint goes, ENDLIST comes.
    const ended = renderPlaylist({
      kind: 'live',
      segments: [entry(10)],
      ended: true,
      preloadHint: { type: 'PART', uri: 'x' },
    });
    expect(ended).not.toContain('PRELOAD-HINT');
    expect(ended).toContain('#EXT-X-ENDLIST');
  });

  it('an empty list is still a valid playlist', () => {
    expect(renderPlaylist({ kind: 'event', segments: [] })).toContain('#EXT-X-MEDIA-SEQUENCE:0\n');
  });
});

import { describe, expect, it } from 'vitest';
import { ContinuityTracker, FRESH_START, resumePoint } from './continuity.ts';
import { toExposedPlaylist, toLocalPath } from './playlist-offsets.ts';

describe('numbering continuity', () => {
  it('a fresh channel starts at zero', () => {
    expect(resumePoint([])).toEqual(FRESH_START);
  });

  it('a successor starts after the highest segment, discontinuity and init any rendition used', () => {
    const resume = resumePoint([
      { nextMsn: 41, discontinuitySequence: 2, nextInitId: 3 },
      { nextMsn: 42, discontinuitySequence: 2, nextInitId: 3 },
    ]);
    expect(resume).toEqual({ firstMediaSequence: 42, discontinuityBase: 3, initBase: 3, resumed: true });
  });

  it('tracks what to persist: taken segment numbers, restarts, exposed init ids', () => {
    const tracker = new ContinuityTracker({ firstMediaSequence: 10, discontinuityBase: 2, initBase: 5, resumed: true });
    expect(tracker.initPublished('720p', 0)).toEqual({ nextMsn: 10, discontinuitySequence: 2, nextInitId: 6 });
    expect(tracker.segmentStarted('720p', 10)).toEqual({ nextMsn: 11, discontinuitySequence: 2, nextInitId: 6 });
    tracker.restarted();
    expect(tracker.initPublished('720p', 1)).toEqual({ nextMsn: 11, discontinuitySequence: 3, nextInitId: 7 });
    expect(tracker.segmentStarted('360p', 12)).toEqual({ nextMsn: 13, discontinuitySequence: 3, nextInitId: 5 });
    expect(resumePoint([tracker.segmentStarted('720p', 12), tracker.segmentStarted('360p', 12)])).toMatchObject({
      firstMediaSequence: 13,
      discontinuityBase: 4,
      initBase: 7,
    });
  });

  it('exposes shifted init URIs and discontinuity sequence, and maps requests back', () => {
    const offsets = { discontinuityBase: 4, initBase: 7 };
    const playlist = [
      '#EXTM3U',
      '#EXT-X-MEDIA-SEQUENCE:42',
      '#EXT-X-DISCONTINUITY-SEQUENCE:1',
      '#EXT-X-MAP:URI="init-0.mp4"',
      '#EXTINF:1.0,',
      'seg-42.m4s',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-MAP:URI="init-1.mp4"',
      '',
    ].join('\n');
    const exposed = toExposedPlaylist(playlist, offsets);
    expect(exposed).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:5\n');
    expect(exposed).toContain('#EXT-X-MAP:URI="init-7.mp4"');
    expect(exposed).toContain('#EXT-X-MAP:URI="init-8.mp4"');
    expect(exposed).toContain('seg-42.m4s');
    expect(toLocalPath('720p/init-8.mp4', offsets)).toBe('720p/init-1.mp4');
    expect(toLocalPath('720p/init-3.mp4', offsets)).toBeUndefined();
    expect(toLocalPath('720p/part-42.1.m4s', offsets)).toBe('720p/part-42.1.m4s');
    expect(toExposedPlaylist(playlist, { discontinuityBase: 0, initBase: 0 })).toBe(playlist);
  });
});

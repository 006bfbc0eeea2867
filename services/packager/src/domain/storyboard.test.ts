import type { SessionSegmentEntry } from '@phzzk/contracts';
import { describe, expect, it } from 'vitest';
import {
  capturesForTiles,
  capturesOnTimeline,
  renderStoryboardVtt,
  sheetLayout,
  TILES_PER_SHEET,
  tileStart,
  tilesBefore,
  vttTime,
} from './storyboard.ts';

describe('storyboard', () => {
  it('spends more seconds per tile the longer a broadcast runs', () => {
    expect([0, 1, 299, 300, 301].map(tileStart)).toEqual([0, 2, 598, 600, 606]);
    expect(tilesBefore(600)).toBe(300);
    expect(tilesBefore(3600)).toBe(800);
    // Two hours: 300 + 500 + 180 tiles (9 sheets), not 3600.
    expect(tilesBefore(7200)).toBe(980);
  });

  it('lays tiles out in sheets of at most 121 and writes WebVTT cues with #xywh', () => {
    expect(sheetLayout(0, 5)).toMatchObject({ first: 0, count: 5, columns: 11, rows: 1 });
    expect(sheetLayout(1, 130)).toMatchObject({ first: 121, count: 9, rows: 1 });
    expect(sheetLayout(0, 130).count).toBe(TILES_PER_SHEET);
    const vtt = renderStoryboardVtt(13, 25, (f) => `/s/${f}`);
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    expect(vtt).toContain('00:00:00.000 --> 00:00:02.000\n/s/sheet-0-13.jpg#xywh=0,0,160,90');
    expect(vtt).toContain('00:00:20.000 --> 00:00:22.000\n/s/sheet-0-13.jpg#xywh=1600,0,160,90');
    expect(vtt).toContain('00:00:22.000 --> 00:00:24.000\n/s/sheet-0-13.jpg#xywh=0,90,160,90');
    expect(vtt).toContain('00:00:24.000 --> 00:00:25.000\n/s/sheet-0-13.jpg#xywh=160,90,160,90');
    expect(vttTime(3723.5)).toBe('01:02:03.500');
  });

  it('places captures on the media timeline through program date times (gaps do not shift them)', () => {
    const seg = (msn: number, pdt: number): SessionSegmentEntry => ({
      msn,
      uri: `seg-${msn}.m4s`,
      duration: 2,
      initUri: 'init-0.mp4',
      discontinuity: false,
      programDateTime: pdt,
    });
    // Two segments, then a 10 s gap (takeover), then two more.
    const entries = [seg(0, 0), seg(1, 2000), seg(2, 14_000), seg(3, 16_000)];
    const timeline = capturesOnTimeline(entries, [17_000, 0, 3000, 9000, 14_500, 25_000, -20_000, 40_000]);
    expect(timeline).toEqual([
      [0, 0],
      [3, 3000],
      [4, 9000], // in the gap: the end of the segment before it
      [4.5, 14_500],
      [7, 17_000],
      [8, 25_000], // written a little after the last frame
    ]);
    expect(capturesForTiles(timeline, 4)).toEqual([0, 3000, 9000, 17_000]);
  });
});

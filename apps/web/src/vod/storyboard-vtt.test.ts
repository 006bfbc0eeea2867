import { describe, expect, it } from 'vitest';
import { parseStoryboardVtt, tileAt, vttTimeToSeconds } from './storyboard-vtt.ts';

const BASE = 'http://localhost:8080/vod/v1/storyboard.vtt';
const VTT = `WEBVTT

00:00:00.000 --> 00:00:02.000
/vod/v1/storyboard/sheet-0-121.jpg#xywh=0,0,160,90

00:00:02.000 --> 00:00:04.000
/vod/v1/storyboard/sheet-0-121.jpg#xywh=160,0,160,90

01:00:04.000 --> 01:00:10.500
sheet-1-3.jpg#xywh=320,90,160,90
`;

describe('the storyboard VTT', () => {
  it.each([
    ['00:00:02.500', 2.5],
    ['01:02.250', 62.25],
    ['02:00:00.000', 7200],
  ])('reads a time with or without hours: %s is %d s', (time, seconds) => {
    expect(vttTimeToSeconds(time)).toBe(seconds);
  });

  it('parses each cue into a sheet URL and a tile, resolving relative sheets against the VTT', () => {
    const tiles = parseStoryboardVtt(VTT, BASE);
    expect(tiles).toEqual([
      { start: 0, end: 2, url: 'http://localhost:8080/vod/v1/storyboard/sheet-0-121.jpg', x: 0, y: 0, w: 160, h: 90 },
      { start: 2, end: 4, url: 'http://localhost:8080/vod/v1/storyboard/sheet-0-121.jpg', x: 160, y: 0, w: 160, h: 90 },
      { start: 3604, end: 3610.5, url: 'http://localhost:8080/vod/v1/sheet-1-3.jpg', x: 320, y: 90, w: 160, h: 90 },
    ]);
  });

  it('skips cues without a fragment, with a bad timing or an empty tile; a non-VTT text has none', () => {
    const text = `WEBVTT\r\n\r\n00:00:00.000 --> 00:00:02.000\r\nsheet.jpg\r\n\r\n00:00:05.000 --> 00:00:04.000\r\ns.jpg#xywh=0,0,1,1\r\n\r\n00:00:06.000 --> 00:00:08.000\r\ns.jpg#xywh=0,0,0,90\r\n\r\n00:00:08.000 --> 00:00:10.000\r\ns.jpg#xywh=5,6,7,8\r\n`;
    expect(parseStoryboardVtt(text, BASE).map((t) => [t.start, t.x, t.y, t.w, t.h])).toEqual([[8, 5, 6, 7, 8]]);
    expect(parseStoryboardVtt('<html>not found</html>', BASE)).toEqual([]);
    expect(parseStoryboardVtt('', BASE)).toEqual([]);
  });

  it('finds the tile under a position: inside a cue, between cues, before the first and after the last', () => {
    const tiles = parseStoryboardVtt(VTT, BASE);
    expect(tileAt(tiles, 0)?.x).toBe(0);
    expect(tileAt(tiles, 1.99)?.x).toBe(0);
    expect(tileAt(tiles, 2)?.x).toBe(160);
    expect(tileAt(tiles, 100)?.x).toBe(160);
    expect(tileAt(tiles, 3605)?.x).toBe(320);
    expect(tileAt(tiles, 99_999)?.x).toBe(320);
    expect(tileAt(tiles, -5)?.x).toBe(0);
    expect(tileAt(tiles, Number.NaN)).toBeUndefined();
    expect(tileAt([], 3)).toBeUndefined();
  });
});

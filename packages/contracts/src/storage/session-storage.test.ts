import { describe, expect, it } from 'vitest';
import {
  formatSegmentIndexLine,
  parseSegmentIndex,
  parseThumbnailFileName,
  type SessionSegmentEntry,
  sessionStoragePaths,
  thumbnailFileName,
} from './session-storage.ts';

const entry = (msn: number, extra: Partial<SessionSegmentEntry> = {}): SessionSegmentEntry => ({
  msn,
  uri: `seg-${msn}.m4s`,
  duration: 1.001,
  initUri: 'init-0.mp4',
  discontinuity: false,
  programDateTime: 1_700_000_000_000 + msn * 1001,
  ...extra,
});

describe('session storage contract', () => {
  it('round-trips index lines and skips a torn last line', () => {
    const text = [entry(0), entry(1), entry(2)].map(formatSegmentIndexLine).join('');
    const torn = `${text}${formatSegmentIndexLine(entry(3)).slice(0, 30)}`;
    expect(parseSegmentIndex(torn)).toEqual([entry(0), entry(1), entry(2)]);
  });

  it('orders by msn, keeps the last copy of a msn, and drops lines that are not entries', () => {
    const lines = [
      formatSegmentIndexLine(entry(2)),
      formatSegmentIndexLine(entry(0)),
      formatSegmentIndexLine(entry(2, { duration: 2 })),
      '{"msn":5,"uri":"../../etc/passwd","duration":1,"initUri":"init-0.mp4"}\n',
      '{"msn":6,"uri":"seg-6.m4s","duration":0,"initUri":"init-0.mp4"}\n',
      '{"msn":-1,"uri":"seg-1.m4s","duration":1,"initUri":"init-0.mp4"}\n',
      'null\n[]\n"x"\n',
    ];
    expect(parseSegmentIndex(lines.join('')).map((e) => [e.msn, e.duration])).toEqual([
      [0, 1.001],
      [2, 2],
    ]);
  });

  it('names paths only from safe ids and names', () => {
    const id = '01a24dfb-1154-759a-8502-c0238b455fbb';
    expect(sessionStoragePaths.index(id, '720p')).toBe(`sessions/${id}/720p/segments.jsonl`);
    expect(sessionStoragePaths.thumbnail(id, 1234.9)).toBe(`sessions/${id}/thumbnails/1234.jpg`);
    expect(() => sessionStoragePaths.session('../x')).toThrow(RangeError);
    expect(() => sessionStoragePaths.rendition(id, '..')).toThrow(RangeError);
    expect(parseThumbnailFileName(thumbnailFileName(42))).toBe(42);
    expect(parseThumbnailFileName('42.jpg.tmp')).toBeUndefined();
  });
});

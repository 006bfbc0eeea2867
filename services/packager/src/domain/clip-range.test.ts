import type { SessionSegmentEntry } from '@phzzk/contracts';
import { describe, expect, it } from 'vitest';
import { selectClip, selectLastSeconds } from './clip-range.ts';

const entries: SessionSegmentEntry[] = Array.from({ length: 10 }, (_, msn) => ({
  msn: msn + 100,
  uri: `seg-${msn + 100}.m4s`,
  duration: 2,
  initUri: 'init-0.mp4',
  discontinuity: false,
  programDateTime: 0,
}));

describe('clip ranges', () => {
  it('takes the whole segments that cover the range', () => {
    expect(selectClip(entries, 3, 5)).toEqual({ msns: [101, 102, 103], startSeconds: 2, durationSeconds: 6 });
    expect(selectClip(entries, 4, 4)).toEqual({ msns: [102, 103], startSeconds: 4, durationSeconds: 4 });
    expect(selectClip(entries, 0, 20)?.msns).toHaveLength(10);
  });

  it('refuses ranges outside the media', () => {
    expect(selectClip(entries, 15, 6)).toBeUndefined();
    expect(selectClip(entries, 20, 5)).toBeUndefined();
    expect(selectClip([], 0, 5)).toBeUndefined();
  });

  it('takes the last seconds of what is recorded', () => {
    expect(selectLastSeconds(entries, 5)).toEqual({ msns: [107, 108, 109], startSeconds: 14, durationSeconds: 6 });
    expect(selectLastSeconds(entries.slice(0, 1), 30)).toEqual({ msns: [100], startSeconds: 0, durationSeconds: 2 });
  });
});

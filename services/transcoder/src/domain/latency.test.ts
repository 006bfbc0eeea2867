import { describe, expect, it } from 'vitest';
import { FrameClock, PartTimeline, RecentSamples } from './latency.ts';

describe('input frame timing', () => {
  it('finds when the frame at a media time entered, relative to the run', () => {
    const clock = new FrameClock(4);
    for (let i = 0; i < 6; i++) clock.record(5000 + i * 33, 100 + i * 33);
    expect(clock.enteredAt(66)).toBe(166); // forgotten: the first remembered frame at or after it
    expect(clock.enteredAt(99)).toBe(199);
    expect(clock.enteredAt(100)).toBe(232);
    expect(clock.enteredAt(1000)).toBeUndefined();
  });

  it('knows which fragment a published part ends with', () => {
    const t = new PartTimeline();
    t.beforePush(100, { start: 10, end: 10.2 });
    expect(t.partPublished(100)).toBeCloseTo(200); // published with the fragment in it
    t.afterPush();
    t.beforePush(50, { start: 10.2, end: 10.3 });
    t.afterPush(); // kept open
    t.beforePush(60, { start: 10.3, end: 10.4 });
    expect(t.partPublished(50)).toBeCloseTo(300); // key frame: the part closes before this fragment
    t.afterPush();
    t.beforePush(10, undefined);
    expect(t.partPublished(70)).toBeUndefined(); // untimed (audio-only) fragment
  });

  it('summarises recent samples', () => {
    const s = new RecentSamples(3);
    expect(s.summary()).toBeUndefined();
    for (const v of [500, 10, 20, 30]) s.add(v);
    expect(s.summary()).toEqual({ count: 3, p50: 20, p90: 30, max: 30 });
  });
});

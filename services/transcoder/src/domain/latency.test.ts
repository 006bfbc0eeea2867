import { describe, expect, it } from 'vitest';
import { FLV_TAG_AUDIO, FLV_TAG_VIDEO, FlvTagScanner } from './flv-tag-scanner.ts';
import { FrameClock, PartTimeline, RecentSamples } from './latency.ts';

function flvTag(type: number, timestampMs: number, size: number): Buffer {
  const tag = Buffer.alloc(11 + size + 4);
  tag[0] = type;
  tag.writeUIntBE(size, 1, 3);
  tag.writeUIntBE(timestampMs & 0xffffff, 4, 3);
  tag[7] = (timestampMs >>> 24) & 0xff;
  tag.writeUInt32BE(11 + size, 11 + size);
  return tag;
}

describe('input frame timing', () => {
  it('reads tag types and timestamps from FLV split at any byte', () => {
    const header = Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);
    const bytes = Buffer.concat([
      header,
      flvTag(FLV_TAG_VIDEO, 1000, 40),
      flvTag(FLV_TAG_AUDIO, 1010, 7),
      flvTag(FLV_TAG_VIDEO, 0x1234567, 3),
    ]);
    for (const step of [1, 5, 64, bytes.length]) {
      const scanner = new FlvTagScanner();
      const tags = [];
      for (let at = 0; at < bytes.length; at += step) tags.push(...scanner.push(bytes.subarray(at, at + step)));
      expect(tags).toEqual([
        { type: FLV_TAG_VIDEO, timestampMs: 1000 },
        { type: FLV_TAG_AUDIO, timestampMs: 1010 },
        { type: FLV_TAG_VIDEO, timestampMs: 0x1234567 },
      ]);
    }
    expect(new FlvTagScanner().push(Buffer.from('not flv at all'))).toEqual([]);
  });

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

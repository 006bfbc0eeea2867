import { describe, expect, it } from 'vitest';
import type { Fragment } from '../fmp4/types.ts';
import { LlHlsPackager } from './packager.ts';
import type { PackagerOptions } from './packager-types.ts';
import { fakeFragment, fakeInit, ManualTimers, settle } from './testing/fake-media.ts';
import { readPlaylist } from './testing/read-playlist.ts';

const T0 = Date.UTC(2025, 0, 1);
const F = 18000; // 0.2 s at 90 kHz

function setup(options: Partial<PackagerOptions> = {}) {
  const timers = new ManualTimers();
  const warnings: string[] = [];
  const packager = new LlHlsPackager({
    targetDuration: 1,
    partTarget: 0.2,
    now: () => T0,
    timers,
    logger: { warn: (_obj, msg) => warnings.push(msg ?? '') },
    ...options,
  });
  packager.pushInit(fakeInit());
  let n = 0;
  /** Pushes `count` 0.2 s fragments with a keyframe every `gop` fragments. */
  const feed = (count: number, gop = 5, ticks = F) => {
    for (let i = 0; i < count; i++, n++) {
      packager.pushFragment(fakeFragment({ ticks, independent: n % gop === 0, decodeTime: n * ticks }));
    }
  };
  return { packager, timers, warnings, feed };
}

describe('LlHlsPackager', () => {
  it('publishes a part as soon as another fragment of its size would not fit', () => {
    const { packager, feed } = setup({ partTarget: 0.5 });
    const parts: string[] = [];
    packager.onPart((p) => parts.push(`${p.msn}.${p.part}:${p.duration.toFixed(1)}`));
    feed(1);
    expect(parts).toEqual([]); // 0.2 + 0.2 still fits 0.5
    feed(1);
    expect(parts).toEqual(['0.0:0.4']); // 0.4 + 0.2 would not
  });

  it('starts a new part at every keyframe and a new segment at the first keyframe after the target', () => {
    const { packager, feed } = setup({ targetDuration: 1, partTarget: 0.5 });
    feed(11, 3); // keyframes at fragments 0, 3, 6, 9
    const pl = readPlaylist(packager.playlist());
    expect(
      pl.segments.map((s) => [s.uri, s.duration, s.parts.map((p) => `${p.duration}${p.independent ? 'I' : ''}`)]),
    ).toEqual([
      ['seg-0.m4s', 1.2, ['0.4I', '0.2', '0.4I', '0.2']],
      [undefined, undefined, ['0.4I', '0.2', '0.4I']],
    ]);
  });

  it('drops fragments until the first keyframe, so every segment can start playback', () => {
    const { packager } = setup();
    packager.pushFragment(fakeFragment({ ticks: F, independent: false, decodeTime: 0 }));
    packager.pushFragment(fakeFragment({ ticks: F, independent: true, decodeTime: F }));
    expect(packager.droppedFragments).toBe(1);
    expect(packager.getPart(0, 0)).toBeDefined();
    packager.pushFragment(fakeFragment({ ticks: 0, independent: true, decodeTime: 2 * F }));
    expect(packager.droppedFragments).toBe(2);
  });

  it('warns once when a fragment is longer than PART-TARGET', () => {
    const { packager, warnings, feed } = setup();
    feed(3, 5, 2 * F);
    expect(warnings.filter((w) => w.includes('PART-TARGET'))).toHaveLength(1);
    expect(packager.getPart(0, 2)).toBeDefined();
  });

  it('accumulates audio-only fragments into parts, all independent', () => {
    const packager = new LlHlsPackager({ targetDuration: 1, partTarget: 0.2, now: () => T0 });
    packager.pushInit(fakeInit({ kind: 'audio', timescale: 48000 }));
    for (let i = 0; i < 60; i++) {
      packager.pushFragment(fakeFragment({ ticks: 1024, independent: true, decodeTime: i * 1024, timescale: 48000 }));
    }
    const pl = readPlaylist(packager.playlist());
    const parts = pl.segments.flatMap((s) => s.parts);
    expect(parts.every((p) => p.independent && p.duration <= 0.2)).toBe(true);
    expect(parts[0]!.duration).toBeCloseTo((9 * 1024) / 48000, 5);
    expect(pl.segments[0]!.duration).toBeGreaterThanOrEqual(0.9);
  });

  it('hints the next segment when a keyframe is due, and the same segment otherwise', () => {
    const { packager, feed } = setup();
    feed(10); // two 1 s GOPs; segment 1 has reached its target and a keyframe is due next
    expect(packager.nextPart()).toEqual({ msn: 2, part: 0 });
    const long = setup();
    long.feed(25, 10); // 2 s GOPs: segment 2 is 1 s long, but its keyframe is 1 s away
    expect(long.packager.nextPart()).toEqual({ msn: 2, part: 5 });
  });

  it('raises EXT-X-TARGETDURATION when a segment runs longer than the target', () => {
    const { packager, feed } = setup();
    feed(16, 15); // 3 s GOP
    expect(readPlaylist(packager.playlist()).targetDuration).toBe(3);
  });

  it('answers blocking waits: ready, timeout and abort, without leaking timers', async () => {
    const { packager, timers, feed } = setup();
    feed(2);
    const ready = packager.waitFor({ msn: 0, part: 2 }, 1000);
    const timeout = packager.waitFor({ msn: 0, part: 3 }, 1000);
    const controller = new AbortController();
    const aborted = packager.waitFor({ msn: 1 }, 5000, controller.signal);
    feed(1);
    expect(await ready).toBe('ready');
    timers.advance(1000);
    expect(await timeout).toBe('timeout');
    controller.abort();
    expect(await aborted).toBe('aborted');
    expect(timers.pending).toBe(0);
  });

  it('serves the hinted part the moment it completes, 404s parts that cannot appear', async () => {
    const { packager, feed } = setup();
    feed(4);
    let got: unknown;
    void packager.waitForPart(0, 4, 5000).then((r) => (got = r));
    await settle();
    expect(got).toBeUndefined();
    feed(1);
    await settle();
    expect(got).toEqual({ status: 'ready', bytes: packager.getPart(0, 4) });
    expect(await packager.waitForPart(0, 9, 5000)).toEqual({ status: 'not-found' });
    expect(await packager.waitForPart(7, 0, 5000)).toEqual({ status: 'not-found' });
    // the hint was (0, 5) but the keyframe started segment 1: the waiter learns it will never exist
    const stale = packager.waitForPart(0, 5, 5000);
    feed(1);
    expect(await stale).toEqual({ status: 'not-found' });
  });

  it('refuses requests beyond msn + 2 or the Advance Part Limit', () => {
    const { packager, feed } = setup();
    feed(7); // last part is (1, 1)
    expect(packager.isTooFarAhead({ msn: 3 })).toBe(false);
    expect(packager.isTooFarAhead({ msn: 4 })).toBe(true);
    // Advance Part Limit = 3 / 0.2 = 15 parts
    expect(packager.isTooFarAhead({ msn: 1, part: 16 })).toBe(false);
    expect(packager.isTooFarAhead({ msn: 1, part: 17 })).toBe(true);
    // two segments ahead: 3 parts left in segment 1 + 5 in segment 2 + parts 0..6 of segment 3 = 15
    expect(packager.isTooFarAhead({ msn: 3, part: 6 })).toBe(false);
    expect(packager.isTooFarAhead({ msn: 3, part: 7 })).toBe(true);
  });

  it('keeps evicted segments downloadable for their availability duration, then frees them', () => {
    const { packager, feed } = setup({ windowDuration: 3 });
    const evicted: number[] = [];
    packager.onEvict((s) => evicted.push(s.msn));
    feed(5 * 5 + 1); // five segments complete
    expect(evicted).toEqual([0, 1]);
    expect(readPlaylist(packager.playlist()).mediaSequence).toBe(2);
    expect(packager.getSegment(0)).toBeDefined();
    feed(5 * 6);
    expect(packager.getSegment(0)).toBeUndefined();
    expect(packager.getSegment(evicted.at(-1)!)).toBeDefined();
  });

  it('anchors PROGRAM-DATE-TIME on the producer reference time when ffmpeg writes prft', () => {
    const packager = new LlHlsPackager({ targetDuration: 1, partTarget: 0.2, now: () => T0 });
    packager.pushInit(fakeInit());
    const f: Fragment = {
      ...fakeFragment({ ticks: F, independent: true, decodeTime: 90000 }),
      producerReferenceTime: { trackId: 1, wallClockMs: T0 - 5000, mediaTime: 0 },
    };
    packager.pushFragment(f);
    expect(readPlaylist(packager.playlist()).segments[0]!.programDateTime).toBe(new Date(T0 - 4000).toISOString());
  });

  it('treats a changed init segment as a discontinuity with a new EXT-X-MAP, an identical one as nothing', () => {
    const { packager, feed } = setup();
    feed(6);
    packager.pushInit(fakeInit());
    feed(4);
    expect(readPlaylist(packager.playlist()).segments.filter((s) => s.discontinuity)).toHaveLength(0);
    packager.pushInit(fakeInit({ tag: 9 }));
    packager.pushFragment(fakeFragment({ ticks: F, independent: true, decodeTime: 0 }));
    const pl = readPlaylist(packager.playlist());
    const last = pl.segments.at(-1)!;
    expect([last.discontinuity, last.map]).toEqual([true, 'init-1.mp4']);
    expect(packager.getInit(1)).toBeDefined();
  });

  it('gives the segments after a discontinuity their own EXT-X-MAP even when the init is identical', () => {
    const { packager, feed } = setup();
    feed(6);
    packager.discontinuity(); // e.g. ffmpeg restarted with the same settings
    packager.pushInit(fakeInit());
    packager.pushFragment(fakeFragment({ ticks: F, independent: true, decodeTime: 0 }));
    const last = readPlaylist(packager.playlist()).segments.at(-1)!;
    expect([last.discontinuity, last.map]).toEqual([true, 'init-1.mp4']);
  });

  it('ends: ENDLIST, no preload hint, directives ignored, pending waits answered', async () => {
    const { packager, feed } = setup();
    feed(3);
    const waiting = packager.waitFor({ msn: 5 }, 60_000);
    const hinted = packager.waitForPart(0, 3, 60_000);
    packager.end();
    expect(await waiting).toBe('ready');
    expect(await hinted).toEqual({ status: 'not-found' });
    const pl = readPlaylist(packager.playlist({ skip: true }));
    expect([pl.endList, pl.preloadHint, pl.skipped, pl.segments[0]!.duration]).toEqual([true, undefined, 0, 0.6]);
    expect(packager.isTooFarAhead({ msn: 100 })).toBe(false);
  });

  it('can disable delta updates', () => {
    const { packager, feed } = setup({ canSkipUntil: false });
    feed(100);
    const pl = readPlaylist(packager.playlist({ skip: true }));
    expect(pl.serverControl['CAN-SKIP-UNTIL']).toBeUndefined();
    expect(pl.skipped).toBe(0);
  });

  it('isolates a throwing listener from packaging', () => {
    const { packager, warnings, feed } = setup();
    packager.onPart(() => {
      throw new Error('disk full');
    });
    feed(2);
    expect(packager.getPart(0, 1)).toBeDefined();
    expect(warnings).toContain('hls packager listener failed');
  });
});

import { describe, expect, it } from 'vitest';
import { buildLadderArgs, type RenditionPlan } from './ladder-args.ts';
import { remuxPlaylistToMp4Args, remuxToMp4Args } from './remux-args.ts';
import { snapshotArgs } from './snapshot-args.ts';

const settings = {
  preset: 'veryfast',
  partTarget: 0.2,
  frameSeconds: 1 / 30,
  probeSize: 65536,
  analyzeDurationUs: 0,
  logLevel: 'error',
};

describe('argument builders', () => {
  it('ladder: the thumbnail comes from the smallest scaled rung, whatever the order', () => {
    const plans: RenditionPlan[] = [
      { name: 'a', video: { mode: 'encode', width: 284, height: 160, kbps: 200 }, audio: null, bandwidth: 1 },
      { name: 'b', video: { mode: 'encode', width: 640, height: 360, kbps: 800 }, audio: null, bandwidth: 1 },
    ];
    const graph = buildLadderArgs(plans, settings, 1, { everySeconds: 4 }).find((a) => a.includes('split'));
    expect(graph).toContain('[s0]scale=284:160:flags=bilinear,format=yuv420p,split=2[v0][t]');
    expect(graph).toContain('[s1]scale=640:360:flags=bilinear,format=yuv420p[v1]');
    expect(graph).toContain('[t]fps=1/4[thumb]');
    expect(() => buildLadderArgs([], settings)).toThrow(RangeError);
  });

  it('remux of a playlist: read by the HLS demuxer, copied the same way', () => {
    const fromPlaylist = remuxPlaylistToMp4Args('/s/clip.m3u8', '/c/clip.mp4');
    expect(fromPlaylist.slice(fromPlaylist.indexOf('-i'))).toEqual([
      ...['-i', '/s/clip.m3u8', '-map', '0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '-y', '/c/clip.mp4'],
    ]);
    const joined = remuxToMp4Args(['/s/init-0.mp4', '/s/seg-1.m4s'], '/c/clip.mp4');
    expect(fromPlaylist.slice(0, fromPlaylist.indexOf('-i'))).toEqual(joined.slice(0, joined.indexOf('-i')));
  });

  it('remux: one timeline of fMP4 files joined by the concat protocol, copied, faststart', () => {
    expect(remuxToMp4Args(['/s/init-0.mp4', '/s/seg-1.m4s', '/s/seg-2.m4s'], '/c/clip.mp4')).toEqual([
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-loglevel',
      'error',
      '-i',
      'concat:/s/init-0.mp4|/s/seg-1.m4s|/s/seg-2.m4s',
      '-map',
      '0',
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      '-y',
      '/c/clip.mp4',
    ]);
    const trimmed = remuxToMp4Args(['i.mp4', 's.m4s'], 'o.mp4', { startSeconds: 1.5, durationSeconds: 10 });
    expect(trimmed.slice(trimmed.indexOf('-ss'), trimmed.indexOf('-ss') + 2)).toEqual(['-ss', '1.500']);
    expect(trimmed.indexOf('-ss')).toBeLessThan(trimmed.indexOf('-i'));
    expect(trimmed.slice(trimmed.indexOf('-t'), trimmed.indexOf('-t') + 2)).toEqual(['-t', '10.000']);
    expect(() => remuxToMp4Args([], 'o.mp4')).toThrow(RangeError);
    expect(() => remuxToMp4Args(['a|b.mp4'], 'o.mp4')).toThrow(RangeError);
    expect(() => remuxToMp4Args(['-i.mp4'], 'o.mp4')).toThrow(RangeError);
    expect(() => remuxToMp4Args(['i.mp4'], 'o.mp4', { startSeconds: -1 })).toThrow(RangeError);
  });

  it('snapshot: one scaled JPEG at a time', () => {
    const args = snapshotArgs('in.m3u8', 'out.jpg', { atSeconds: 12, height: 180 });
    expect(args).toEqual(expect.arrayContaining(['-ss', '12.000', '-i', 'in.m3u8', '-frames:v', '1', '-c:v', 'mjpeg']));
    expect(args[args.indexOf('-vf') + 1]).toBe('scale=-2:min(ih\\,180)');
    expect(args.at(-1)).toBe('out.jpg');
    expect(() => snapshotArgs('a', 'b', { atSeconds: Number.NaN })).toThrow(RangeError);
  });
});

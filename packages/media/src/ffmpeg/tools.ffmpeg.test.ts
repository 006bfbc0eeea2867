// The wrapper and the builders against the real ffmpeg/ffprobe: CMAF segments remuxed into one
// MP4 (what clips do), a snapshot from it, a process stopped gracefully with its outputs read.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJpeg, JpegSplitter, jpegSize } from '../jpeg/jpeg.ts';
import { ffprobe } from './probe.ts';
import { spawnFfmpeg } from './process.ts';
import { remuxToMp4Args } from './remux-args.ts';
import { snapshotArgs } from './snapshot-args.ts';

const run = promisify(execFile);

describe('ffmpeg tools (real ffmpeg)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phzzk-ffmpeg-'));
    // Four 1 s CMAF segments and their init, as the transcoder stores a session.
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '4'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-c:a', 'aac', '-f', 'hls', '-hls_time', '1'],
      ...['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init-0.mp4', '-hls_playlist_type', 'vod'],
      ...['-hls_segment_filename', join(dir, 'seg-%d.m4s'), join(dir, 'playlist.m3u8')],
    ]);
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('remuxes init + segments into one MP4 without re-encoding, and probes it', async () => {
    const segments = readdirSync(dir)
      .filter((f) => /^seg-\d+\.m4s$/.test(f))
      .sort((a, b) => Number(a.slice(4, -4)) - Number(b.slice(4, -4)));
    expect(segments.length).toBeGreaterThanOrEqual(3);
    const output = join(dir, 'clip.mp4');
    await run('ffmpeg', remuxToMp4Args([join(dir, 'init-0.mp4'), ...segments.map((s) => join(dir, s))], output));
    const probed = await ffprobe(output);
    expect(probed.formatName).toContain('mp4');
    expect(probed.durationSeconds).toBeGreaterThan(3.5);
    expect(probed.durationSeconds).toBeLessThan(4.5);
    expect(probed.streams).toEqual(
      expect.arrayContaining([
        { type: 'video', codec: 'h264', width: 320, height: 180 },
        { type: 'audio', codec: 'aac' },
      ]),
    );
    // +faststart: the index comes before the media.
    const head = readFileSync(output).subarray(0, 64).toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(0);

    const still = join(dir, 'still.jpg');
    await run('ffmpeg', snapshotArgs(output, still, { atSeconds: 1, height: 90 }));
    expect(jpegSize(readFileSync(still))).toEqual({ width: 160, height: 90 });
  });

  it('rejects a missing input with ffprobe error text', async () => {
    await expect(ffprobe(join(dir, 'nope.mp4'))).rejects.toThrow(/nope\.mp4/);
  });

  it('spawns with an output pipe, reports stderr lines, and stops gracefully when the input ends', async () => {
    const lines: string[] = [];
    const ffmpeg = spawnFfmpeg(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'warning', '-f', 'lavfi', '-i', 'testsrc2=size=32x32:rate=1'],
        ...['-c:v', 'mjpeg', '-f', 'image2pipe', 'pipe:3', '-f', 'nosuchformat', '/dev/null'],
      ],
      { outputs: 1, onStderrLine: (line) => lines.push(line) },
    );
    const exit = await ffmpeg.stop(5000);
    expect(exit.code).not.toBe(0);
    expect(lines.join('\n')).toMatch(/nosuchformat/);
    expect(ffmpeg.stderrTail()).toMatch(/nosuchformat/);

    const thumbs = spawnFfmpeg(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'mpegts', '-i', 'pipe:0', '-an', '-vf', 'fps=2'],
        ...['-c:v', 'mjpeg', '-f', 'image2pipe', 'pipe:3'],
      ],
      { outputs: 1 },
    );
    const splitter = new JpegSplitter();
    const pictures: Buffer[] = [];
    thumbs.outputs[0]!.on('data', (chunk: Buffer) => pictures.push(...splitter.push(chunk)));
    // The stored segments as MPEG-TS bytes on stdin, then the input's end: ffmpeg finishes and exits.
    const { stdout } = await run(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        join(dir, 'playlist.m3u8'),
        '-an',
        '-c',
        'copy',
        '-f',
        'mpegts',
        '-',
      ],
      { encoding: 'buffer', maxBuffer: 64 << 20 },
    );
    thumbs.stdin.write(stdout);
    const stopped = await thumbs.stop(10_000);
    expect(stopped.code).toBe(0);
    expect(pictures.length).toBeGreaterThanOrEqual(6);
    expect(pictures.every(isJpeg)).toBe(true);
  });
});

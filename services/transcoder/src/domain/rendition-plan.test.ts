import { describe, expect, it } from 'vitest';
// The renditions of a session and the ladder arguments built from them (@phzzk/media/ffmpeg).
import {
  buildLadderArgs as buildFfmpegArgs,
  type EncoderSettings,
  fragmentDurationUs,
  frameSecondsOf,
  hasThumbnailOutput,
} from '@phzzk/media/ffmpeg';
import { DEFAULT_LADDER_SETTINGS, planRenditions } from './rendition-plan.ts';

const settings: EncoderSettings = {
  preset: 'veryfast',
  partTarget: 0.2,
  frameSeconds: 1 / 30,
  probeSize: 65536,
  analyzeDurationUs: 200000,
  logLevel: 'error',
};
const video = (width: number, height: number) => ({ codec: 'avc', width, height, fps: 30 });
const aac = { codec: 'aac', sampleRate: 48000, channels: 2 };

/** The output options of output i (between the previous pipe and its own). */
function outputOf(args: string[], index: number): string[] {
  const pipes = args.map((a, i) => (a.startsWith('pipe:') && a !== 'pipe:0' ? i : -1)).filter((i) => i >= 0);
  const start = index === 0 ? args.indexOf('pipe:0') + 1 : pipes[index - 1]! + 1;
  return args.slice(start, pipes[index]! + 1);
}
const opt = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('ffmpeg arguments', () => {
  it('720p source: the source copied, 480p/360p/160p encoded from one split, each on its own pipe', () => {
    const plans = planRenditions({ video: video(1280, 720), audio: aac }, DEFAULT_LADDER_SETTINGS);
    expect(plans.map((p) => p.name)).toEqual(['source', '480p', '360p', '160p']);
    const args = buildFfmpegArgs(plans, settings);
    expect(args.slice(args.indexOf('-f'), args.indexOf('pipe:0') + 1)).toEqual(['-f', 'flv', '-i', 'pipe:0']);
    expect(opt(args, '-filter_complex')).toBe(
      '[0:v:0]split=3[s0][s1][s2];[s0]scale=854:480:flags=bilinear,format=yuv420p[v0];' +
        '[s1]scale=640:360:flags=bilinear,format=yuv420p[v1];[s2]scale=284:160:flags=bilinear,format=yuv420p[v2]',
    );
    expect(args.filter((a) => /^pipe:\d$/.test(a))).toEqual(['pipe:0', 'pipe:3', 'pipe:4', 'pipe:5', 'pipe:6']);

    const source = outputOf(args, 0);
    expect(source).toEqual(expect.arrayContaining(['-map', '0:v:0', '-c:v', 'copy', '0:a:0', '-c:a']));
    expect(opt(source, '-c:a')).toBe('copy');
    expect(source).not.toContain('libx264');

    const p360 = outputOf(args, 2);
    expect(opt(p360, '-map')).toBe('[v1]');
    expect(opt(p360, '-c:v')).toBe('libx264');
    expect(opt(p360, '-preset')).toBe('veryfast');
    expect(opt(p360, '-tune')).toBe('zerolatency');
    expect(opt(p360, '-b:v')).toBe('800k');
    expect(opt(p360, '-force_key_frames')).toBe('source');
    expect(opt(p360, '-fps_mode')).toBe('passthrough');
    expect(opt(p360, '-c:a')).toBe('aac');
    expect(opt(p360, '-b:a')).toBe('96k');
    for (let i = 0; i < 4; i++) {
      const out = outputOf(args, i);
      expect(opt(out, '-movflags')).toBe('+frag_keyframe+empty_moov+default_base_moof+cmaf');
      expect(opt(out, '-frag_duration')).toBe('164667');
      expect(opt(out, '-f')).toBe('mp4');
      expect(opt(out, '-metadata')).toBe('comment=phzzk run 1');
    }
    expect(opt(buildFfmpegArgs(plans, settings, 3), '-metadata')).toBe('comment=phzzk run 3');
  });

  it('never upscales, and follows a configured ladder and preset', () => {
    const ladder = [
      { name: '540p', height: 540, videoKbps: 2000, audioKbps: 128 },
      { name: '240p', height: 240, videoKbps: 400, audioKbps: 64 },
    ];
    const plans = planRenditions({ video: video(640, 360), audio: aac }, { ladder, sourceAudioKbps: 128 });
    expect(plans.map((p) => [p.name, p.video])).toEqual([
      ['source', { mode: 'copy', codec: 'avc' }],
      ['240p', { mode: 'encode', width: 426, height: 240, kbps: 400 }],
    ]);
    const args = buildFfmpegArgs(plans, { ...settings, preset: 'superfast' });
    expect(opt(args, '-preset')).toBe('superfast');
    expect(opt(args, '-filter_complex')).toBe('[0:v:0]split=1[s0];[s0]scale=426:240:flags=bilinear,format=yuv420p[v0]');
  });

  it('encodes the source audio to AAC when it is not AAC; tags HEVC as hvc1', () => {
    const plans = planRenditions(
      {
        video: { codec: 'hevc', width: 320, height: 180, fps: 30 },
        audio: { codec: 'mp3', sampleRate: 44100, channels: 2 },
      },
      DEFAULT_LADDER_SETTINGS,
    );
    const args = buildFfmpegArgs(plans, settings);
    const source = outputOf(args, 0);
    expect(opt(source, '-tag:v')).toBe('hvc1');
    expect(opt(source, '-c:a')).toBe('aac');
    expect(opt(source, '-b:a')).toBe('128k');
  });

  it('audio-only: one audio rendition; video-only: no audio anywhere', () => {
    const audioOnly = planRenditions({ video: null, audio: aac }, DEFAULT_LADDER_SETTINGS);
    expect(audioOnly).toEqual([{ name: 'audio', video: null, audio: { mode: 'copy' }, bandwidth: undefined }]);
    const a = buildFfmpegArgs(audioOnly, { ...settings, frameSeconds: frameSecondsOf(null, aac) });
    expect(a).not.toContain('-filter_complex');
    expect(a).not.toContain('0:v:0');
    expect(outputOf(a, 0)).toEqual(expect.arrayContaining(['-map', '0:a:0', '-c:a', 'copy', 'pipe:3']));

    const videoOnly = buildFfmpegArgs(
      planRenditions({ video: video(640, 360), audio: null }, DEFAULT_LADDER_SETTINGS),
      settings,
    );
    expect(videoOnly).not.toContain('0:a:0');
    expect(videoOnly).not.toContain('-c:a');
    expect(planRenditions({ video: null, audio: null }, DEFAULT_LADDER_SETTINGS)).toEqual([]);
  });

  it('sizes fragments so that a fragment (one frame past the cut) never exceeds PART-TARGET', () => {
    for (const fps of [24, 25, 29.97, 30, 50, 60]) {
      const frame = 1 / fps;
      const cut = fragmentDurationUs(0.2, frame) / 1e6;
      // ffmpeg cuts before the first frame at or past `cut`: at most ceil(cut / frame) frames.
      expect(Math.ceil(cut / frame) * frame).toBeLessThanOrEqual(0.2 + 1e-9);
      expect(cut).toBeGreaterThan(0.1);
    }
    expect(frameSecondsOf({ fps: 0 }, null)).toBeCloseTo(1 / 30);
    expect(frameSecondsOf(null, { sampleRate: 48000 })).toBeCloseTo(1024 / 48000);
  });

  it('thumbnails: a split of the smallest scaled rung, fps 1/2, mjpeg on the pipe after the renditions', () => {
    const plans = planRenditions({ video: video(1280, 720), audio: aac }, DEFAULT_LADDER_SETTINGS);
    const args = buildFfmpegArgs(plans, settings, 1, { everySeconds: 2 });
    expect(opt(args, '-filter_complex')).toBe(
      '[0:v:0]split=3[s0][s1][s2];[s0]scale=854:480:flags=bilinear,format=yuv420p[v0];' +
        '[s1]scale=640:360:flags=bilinear,format=yuv420p[v1];' +
        '[s2]scale=284:160:flags=bilinear,format=yuv420p,split=2[v2][t];[t]fps=1/2[thumb]',
    );
    expect(args.filter((a) => /^pipe:\d$/.test(a))).toEqual([
      'pipe:0',
      'pipe:3',
      'pipe:4',
      'pipe:5',
      'pipe:6',
      'pipe:7',
    ]);
    const thumb = args.slice(args.indexOf('pipe:6') + 1);
    expect(thumb).toEqual(['-map', '[thumb]', '-c:v', 'mjpeg', '-q:v', '5', '-an', '-f', 'image2pipe', 'pipe:7']);

    // Only the source: its own scaled-down decode. Audio only: no thumbnails at all.
    const small = buildFfmpegArgs(
      planRenditions({ video: video(200, 112), audio: aac }, DEFAULT_LADDER_SETTINGS),
      settings,
      1,
      {
        everySeconds: 2,
      },
    );
    expect(opt(small, '-filter_complex')).toBe('[0:v:0]scale=-2:min(ih\\,360):flags=bilinear[t];[t]fps=1/2[thumb]');
    expect(hasThumbnailOutput(planRenditions({ video: null, audio: aac }, DEFAULT_LADDER_SETTINGS))).toBe(false);
    const audioOnly = buildFfmpegArgs(
      planRenditions({ video: null, audio: aac }, DEFAULT_LADDER_SETTINGS),
      settings,
      1,
      {
        everySeconds: 2,
      },
    );
    expect(audioOnly).not.toContain('mjpeg');
  });
});

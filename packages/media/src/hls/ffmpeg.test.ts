// End to end with real ffmpeg: fMP4 from an ffmpeg pipe, re-chunked at random, through the parser
// and packager, served through serveHls(), written to disk, then read back by ffmpeg's own HLS
// demuxer (a real player) and checked against ffprobe. Small inputs: a few seconds at 320x180.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSourceInputs, x264TestEncoder } from '../ffmpeg/test-source.ts';
import { Fmp4Parser } from '../fmp4/parser.ts';
import type { InitSegment } from '../fmp4/types.ts';
import { LlHlsStream, type RenditionSpec } from './ll-hls-stream.ts';
import { hlsNames } from './naming.ts';
import { serveHls } from './serve.ts';
import { readPlaylist } from './testing/read-playlist.ts';

const run = promisify(execFile);

/** The flags we recommend to the transcoder: CMAF fragments of ~200 ms, flushed immediately. */
const FMP4_OUTPUT = [
  '-f',
  'mp4',
  '-movflags',
  '+frag_keyframe+empty_moov+default_base_moof+cmaf',
  '-frag_duration',
  '200000',
  '-flush_packets',
  '1',
  '-max_interleave_delta',
  '0',
];
const X264 = [...x264TestEncoder(30), '-keyint_min', '30', '-sc_threshold', '0'];
const AAC = ['-c:a', 'aac', '-b:a', '64k'];
const source = (seconds: number, size = '320x180') => testSourceInputs({ size, seconds });

/** mulberry32: reproducible chunk sizes; the seed is in the failure message. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FMP4_SEED ?? Date.now() % 1_000_000);

/**
 * Runs ffmpeg with one pipe per rendition (fd 1, 3, 4, ...), feeding each into its own parser in
 * random-sized slices (1 byte to 8 KiB) and the parser's events into the stream.
 */
async function pipeFfmpeg(
  stream: LlHlsStream,
  args: string[],
  renditions: string[],
  onFragment?: (rendition: string) => void,
): Promise<void> {
  const random = rng(SEED);
  const stdio = ['ignore', 'pipe', 'pipe', ...renditions.slice(1).map(() => 'pipe' as const)] as const;
  const child: ChildProcess = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], {
    stdio: [...stdio],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const outputs = renditions.map((name, i) => {
    const pipe = child.stdio[i === 0 ? 1 : i + 2] as Readable;
    const parser = new Fmp4Parser();
    return (async () => {
      for await (const chunk of pipe as AsyncIterable<Buffer>) {
        for (let at = 0; at < chunk.length; ) {
          const n = random() < 0.05 ? 1 : 1 + Math.floor(random() * 8192);
          for (const event of parser.push(chunk.subarray(at, at + n))) {
            stream.push(name, event);
            if (event.type === 'fragment') onFragment?.(name);
          }
          at += n;
        }
      }
      for (const event of parser.end()) stream.push(name, event);
      expect(parser.pendingBytes).toBe(0);
    })();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  await Promise.all(outputs);
  expect(code, `ffmpeg failed (seed ${SEED}): ${stderr}`).toBe(0);
}

/** Fetches everything a player could ask for through serveHls() and writes it under `dir`. */
async function writeStream(stream: LlHlsStream, dir: string): Promise<void> {
  const fetch = async (path: string) => {
    const response = await serveHls(stream, { path });
    expect(response.status, path).toBe(200);
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), response.body!);
    return response.body!;
  };
  await fetch(hlsNames.master());
  for (const name of stream.renditionNames) {
    const pl = readPlaylist(String(await fetch(hlsNames.mediaPlaylist(name))));
    for (const seg of pl.segments) {
      if (seg.map) await fetch(`${name}/${seg.map}`);
      if (seg.uri) await fetch(`${name}/${seg.uri}`);
      for (const part of seg.parts) await fetch(`${name}/${part.uri}`);
    }
  }
}

/** Every part of a rendition as its own "segment", to prove parts are independently playable units. */
async function writePartsPlaylist(stream: LlHlsStream, name: string, dir: string): Promise<string> {
  const packager = stream.rendition(name)!;
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:1', '#EXT-X-MEDIA-SEQUENCE:0'];
  let initId = -1;
  for (let msn = 0; packager.getSegment(msn); msn++) {
    const pl = readPlaylist(stream.mediaPlaylist(name)!);
    const seg = pl.segments.find((s) => s.msn === msn)!;
    if (seg.map && seg.map !== hlsNames.init(initId)) {
      initId = Number(/init-(\d+)/.exec(seg.map)![1]);
      if (seg.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-MAP:URI="${seg.map}"`);
    }
    for (const part of seg.parts) lines.push(`#EXTINF:${part.duration},`, part.uri);
  }
  lines.push('#EXT-X-ENDLIST');
  const path = join(dir, name, 'parts.m3u8');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

async function ffprobeJson(
  path: string,
  extra: string[] = [],
): Promise<{
  streams: Record<string, string | number>[];
  format?: Record<string, string>;
}> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-of', 'json', ...extra, path], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout);
}

/** Frames ffmpeg's HLS demuxer + decoders actually read from a playlist. */
async function countFrames(playlist: string, stream: 'v' | 'a'): Promise<number> {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      `${stream}:0`,
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      playlist,
    ],
    { maxBuffer: 16 << 20 },
  );
  return Number(stdout.trim().split('\n')[0]);
}

const H264_PROFILES: Record<string, number> = { Baseline: 66, 'Constrained Baseline': 66, Main: 77, High: 100 };

/** Our CODECS strings must say what ffprobe reads from the same bytes. */
async function expectCodecsMatchFfprobe(init: InitSegment, file: string): Promise<void> {
  const { streams } = await ffprobeJson(file, [
    '-show_entries',
    'stream=codec_name,profile,level,width,height,channels,sample_rate',
  ]);
  for (const track of init.tracks) {
    const probed = streams.find((s) => (track.kind === 'video' ? s.codec_name !== 'aac' : s.codec_name === 'aac'));
    expect(probed, `ffprobe stream for track ${track.id}`).toBeDefined();
    if (track.kind === 'video' && probed!.codec_name === 'h264') {
      const [, p, , l] = /^avc1\.([0-9A-F]{2})([0-9A-F]{2})([0-9A-F]{2})$/.exec(track.codec!)!;
      expect(Number.parseInt(p!, 16)).toBe(H264_PROFILES[String(probed!.profile)]);
      expect(Number.parseInt(l!, 16)).toBe(Number(probed!.level));
      expect([track.width, track.height]).toEqual([probed!.width, probed!.height]);
    } else if (track.kind === 'video' && probed!.codec_name === 'hevc') {
      const m = /^hvc1\.(\d+)\.[0-9A-F]+\.([LH])(\d+)/.exec(track.codec!)!;
      expect(Number(m[1])).toBe(probed!.profile === 'Main' ? 1 : probed!.profile === 'Main 10' ? 2 : -1);
      expect(Number(m[3])).toBe(Number(probed!.level));
    } else if (track.kind === 'audio') {
      expect(probed!.profile).toBe('LC');
      expect(track.codec).toBe('mp4a.40.2');
      expect(track.channelCount).toBe(Number(probed!.channels));
      expect(track.sampleRate).toBe(Number(probed!.sample_rate));
    }
  }
}

describe('real ffmpeg -> fMP4 parser -> LL-HLS -> ffmpeg HLS demuxer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phzzk-llhls-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const newStream = (renditions: RenditionSpec[]) =>
    new LlHlsStream({ renditions, targetDuration: 1, partTarget: 0.2, windowDuration: 600 });

  it('muxed audio+video: codecs match ffprobe, every frame plays from segments and from parts', async () => {
    const stream = newStream([{ name: 'main', bandwidth: 500_000 }]);
    await pipeFfmpeg(
      stream,
      [...source(4), '-map', '0:v', '-map', '1:a', ...X264, ...AAC, ...FMP4_OUTPUT, 'pipe:1'],
      ['main'],
    );
    stream.end();
    const out = join(dir, 'muxed');
    await writeStream(stream, out);

    const init = stream.rendition('main')!.init!;
    expect(init.tracks.map((t) => t.kind)).toEqual(['video', 'audio']);
    await writeFile(join(out, 'probe.mp4'), Buffer.concat([init.bytes, stream.rendition('main')!.getSegment(0)!]));
    await expectCodecsMatchFfprobe(init, join(out, 'probe.mp4'));

    const pl = readPlaylist(await readFile(join(out, 'main/playlist.m3u8'), 'utf8'));
    expect(pl.endList).toBe(true);
    expect(pl.segments.map((s) => s.duration)).toEqual([1, 1, 1, 1]);
    for (const s of pl.segments) {
      for (const p of s.parts) expect(p.duration).toBeLessThanOrEqual(pl.partTarget!);
      expect(s.parts[0]?.independent ?? true).toBe(true);
    }
    expect(await countFrames(join(out, 'main/playlist.m3u8'), 'v')).toBe(120);
    expect(await countFrames(join(out, 'master.m3u8'), 'v')).toBe(120);
    expect(await countFrames(join(out, 'main/playlist.m3u8'), 'a')).toBeGreaterThanOrEqual(185); // 4 s of 1024-sample AAC frames
    expect(await countFrames(await writePartsPlaylist(stream, 'main', out), 'v')).toBe(120);
    const { format } = await ffprobeJson(join(out, 'main/playlist.m3u8'), ['-show_entries', 'format=duration']);
    expect(Number(format!.duration)).toBeCloseTo(4, 0);
  });

  it('separate audio and a two-rung video ladder: aligned segments, audio group in the master', async () => {
    const stream = newStream([
      { name: '180p', bandwidth: 400_000, audioGroup: 'aac' },
      { name: '90p', bandwidth: 150_000, audioGroup: 'aac' },
      { name: 'audio', type: 'audio', groupId: 'aac', bandwidth: 64_000 },
    ]);
    await pipeFfmpeg(
      stream,
      [
        ...source(3),
        ...['-map', '0:v', ...X264, '-an', ...FMP4_OUTPUT, 'pipe:1'],
        ...['-map', '0:v', '-vf', 'scale=160:90', ...X264, '-an', ...FMP4_OUTPUT, 'pipe:3'],
        ...['-map', '1:a', ...AAC, '-vn', ...FMP4_OUTPUT, 'pipe:4'],
      ],
      ['180p', '90p', 'audio'],
    );
    stream.end();
    const out = join(dir, 'ladder');
    await writeStream(stream, out);

    const master = stream.masterPlaylist()!;
    expect(master).toContain('#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac"');
    expect(master).toMatch(/CODECS="avc1\.[0-9A-F]{6},mp4a\.40\.2",RESOLUTION=160x90,FRAME-RATE=30\.000,AUDIO="aac"/);
    for (const name of ['180p', '90p', 'audio']) {
      await writeFile(
        join(out, `${name}.mp4`),
        Buffer.concat([stream.rendition(name)!.init!.bytes, stream.rendition(name)!.getSegment(0)!]),
      );
      await expectCodecsMatchFfprobe(stream.rendition(name)!.init!, join(out, `${name}.mp4`));
    }
    // keyframe-aligned renditions get identical segmentation, so msn N is the same time everywhere
    const durations = (name: string) => readPlaylist(stream.mediaPlaylist(name)!).segments.map((s) => s.duration);
    expect(durations('90p')).toEqual(durations('180p'));
    expect(await countFrames(join(out, '90p/playlist.m3u8'), 'v')).toBe(90);
    expect(await countFrames(join(out, 'audio/playlist.m3u8'), 'a')).toBeGreaterThanOrEqual(139);
    const probed = await ffprobeJson(join(out, 'master.m3u8'), ['-show_entries', 'stream=codec_type']);
    expect(new Set(probed.streams.map((s) => s.codec_type))).toEqual(new Set(['video', 'audio']));
  });

  it('ffmpeg restart with a new resolution: discontinuity + new EXT-X-MAP, all frames still play', async () => {
    const stream = newStream([{ name: 'main' }]);
    await pipeFfmpeg(
      stream,
      [...source(2), '-map', '0:v', '-map', '1:a', ...X264, ...AAC, ...FMP4_OUTPUT, 'pipe:1'],
      ['main'],
    );
    stream.discontinuity();
    await pipeFfmpeg(
      stream,
      [...source(2, '256x144'), '-map', '0:v', '-map', '1:a', ...X264, ...AAC, ...FMP4_OUTPUT, 'pipe:1'],
      ['main'],
    );
    stream.end();
    const out = join(dir, 'restart');
    await writeStream(stream, out);
    const pl = readPlaylist(stream.mediaPlaylist('main')!);
    expect(pl.segments.map((s) => [s.discontinuity, s.map])).toEqual([
      [false, 'init-0.mp4'],
      [false, undefined],
      [true, 'init-1.mp4'],
      [false, undefined],
    ]);
    // Every frame of both encoder runs is there: each timeline (its init + its segments) decodes fully.
    const packager = stream.rendition('main')!;
    for (const [initId, msns] of [
      [0, [0, 1]],
      [1, [2, 3]],
    ] as const) {
      const file = join(out, `timeline-${initId}.mp4`);
      await writeFile(file, Buffer.concat([packager.getInit(initId)!, ...msns.map((m) => packager.getSegment(m)!)]));
      expect(await countFrames(file, 'v')).toBe(60);
    }
    // ffmpeg's HLS demuxer ignores EXT-X-DISCONTINUITY (ffmpeg trac #5419) and loses the first fragment
    // after the timestamp reset; browsers' players (hls.js, Safari) handle it. It still plays through.
    expect(await countFrames(join(out, 'main/playlist.m3u8'), 'v')).toBeGreaterThanOrEqual(120 - 6);
  });

  it('HEVC: the hvc1 codec string matches ffprobe', async () => {
    const stream = newStream([{ name: 'hevc' }]);
    await pipeFfmpeg(
      stream,
      [
        ...source(1, '160x96'),
        '-map',
        '0:v',
        ...[
          '-c:v',
          'libx265',
          '-preset',
          'ultrafast',
          '-x265-params',
          'log-level=error:keyint=30:min-keyint=30',
          '-tag:v',
          'hvc1',
        ],
        ...FMP4_OUTPUT,
        'pipe:1',
      ],
      ['hevc'],
    );
    stream.end();
    const packager = stream.rendition('hevc')!;
    expect(packager.init!.tracks[0]!.codec).toMatch(/^hvc1\.1\.6\.L\d+\.[0-9A-F]{2}/);
    const file = join(dir, 'hevc.mp4');
    await writeFile(file, Buffer.concat([packager.init!.bytes, packager.getSegment(0)!]));
    await expectCodecsMatchFfprobe(packager.init!, file);
  });

  it('real time: parts are downloadable within a few hundred ms of their last frame', async () => {
    const stream = newStream([{ name: 'live' }]);
    const start = performance.now();
    const lateness: number[] = [];
    let mediaEnd = 0;
    stream.onPart((part) => {
      // the part's last frame was fed to ffmpeg (real-time -re input) at start + mediaEnd
      mediaEnd += part.duration;
      lateness.push(performance.now() - start - mediaEnd * 1000);
    });
    await pipeFfmpeg(
      stream,
      ['-re', ...source(2), '-map', '0:v', '-map', '1:a', ...X264, ...AAC, ...FMP4_OUTPUT, 'pipe:1'],
      ['live'],
    );
    stream.end();
    lateness.sort((a, b) => a - b);
    const median = lateness[Math.floor(lateness.length / 2)]!;
    console.log(
      `part lateness after its last frame (ms): median ${median.toFixed(0)}, max ${lateness.at(-1)!.toFixed(0)}`,
    );
    // Budget: a frame entering ffmpeg is downloadable within 1 s. The first frame of a part waits for
    // the part's 200 ms plus this lateness (which includes ffmpeg start-up and a shared CPU).
    expect(median + 200).toBeLessThan(1000);
  });
});

import { testSourceInputs } from '@phzzk/media/ffmpeg/test-source';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSegmentIndexLine, sessionStoragePaths, thumbnailFileName } from '@phzzk/contracts';

/** Runs a command to completion; rejects with its stderr. */
export function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

export interface StagedRendition {
  name: string;
  dir: string;
  init: string;
  segments: { file: string; duration: number }[];
}

/** One encoder run, as the transcoder's ffmpeg makes it: CMAF segments of two renditions. */
export interface StagedRun {
  dir: string;
  renditions: StagedRendition[];
  /** Seconds of media (the sum of the reference rendition's segment durations). */
  duration: number;
}

/**
 * Encodes `seconds` of a test pattern (video + audio) into fMP4 HLS with ffmpeg, faster than real
 * time: renditions `hi` (320x180) and `lo` (160x90), keyframes every second, segments of ~1 s.
 */
export async function encodeRun(seconds: number, options: { fps?: number; pattern?: string } = {}): Promise<StagedRun> {
  const dir = await mkdtemp(join(tmpdir(), 'phzzk-vod-run-'));
  const fps = options.fps ?? 25;
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...testSourceInputs({ rate: fps, ...(options.pattern ? { pattern: options.pattern } : {}) }),
    '-t',
    String(seconds),
    '-filter_complex',
    '[0:v]split=2[a][b];[b]scale=160:90[b2]',
    '-map',
    '[a]',
    '-map',
    '1:a',
    '-map',
    '[b2]',
    '-map',
    '1:a',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(fps),
    '-keyint_min',
    String(fps),
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '48k',
    '-f',
    'hls',
    '-hls_time',
    '1',
    '-hls_segment_type',
    'fmp4',
    '-hls_playlist_type',
    'vod',
    '-var_stream_map',
    'v:0,a:0,name:hi v:1,a:1,name:lo',
    '-hls_fmp4_init_filename',
    'init.mp4',
    '-hls_segment_filename',
    join(dir, '%v', 'seg-%d.m4s'),
    join(dir, '%v', 'playlist.m3u8'),
  ]);
  const renditions: StagedRendition[] = [];
  for (const name of ['hi', 'lo']) {
    const text = await readFile(join(dir, name, 'playlist.m3u8'), 'utf8');
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
    if (!init) throw new Error(`no EXT-X-MAP in ${name}`);
    const segments: { file: string; duration: number }[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = /^#EXTINF:([\d.]+)/.exec(lines[i]!);
      if (m) segments.push({ duration: Number(m[1]), file: lines[i + 1]!.trim() });
    }
    renditions.push({ name, dir: join(dir, name), init, segments });
  }
  const duration = renditions[0]!.segments.reduce((s, x) => s + x.duration, 0);
  return { dir, renditions, duration };
}

/** Thumbnails as the transcoder writes them: a JPEG every `everySeconds` of a run. */
export async function encodeThumbnails(seconds: number, everySeconds = 2): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'phzzk-vod-thumbs-'));
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...testSourceInputs({ size: '284x160', rate: 1 / everySeconds, sampleRate: false }),
    '-t',
    String(seconds),
    '-q:v',
    '6',
    join(dir, 't%05d.jpg'),
  ]);
  return (await readdir(dir)).sort().map((f) => join(dir, f));
}

/**
 * Writes a session into storage the way the transcoder does: segment files first, then their
 * index line; a new init segment and a discontinuity for each encoder run after the first.
 */
export class SessionWriter {
  readonly root: string;
  readonly sessionId: string;
  readonly startMs: number;
  private msn = 0;
  private runs = 0;
  /** Media time written so far (seconds). */
  position = 0;
  /** Wall-clock time of the next segment (a takeover leaves a gap). */
  private clockMs: number;

  constructor(root: string, sessionId: string, startMs = Date.now()) {
    this.root = root;
    this.sessionId = sessionId;
    this.startMs = startMs;
    this.clockMs = startMs;
  }

  get dir(): string {
    return join(this.root, sessionStoragePaths.session(this.sessionId));
  }

  /** Appends segments [from, to) of a run (all renditions); a later run starts a new timeline. */
  async append(run: StagedRun, from = 0, to = run.renditions[0]!.segments.length, gapMs = 0): Promise<void> {
    if (from === 0) {
      this.runs++;
      this.clockMs += gapMs;
    }
    const initUri = `init-${this.runs - 1}.mp4`;
    const first = this.msn;
    let clock = this.clockMs;
    let position = this.position;
    for (const r of run.renditions) {
      const out = join(this.dir, r.name);
      await mkdir(out, { recursive: true });
      if (from === 0) await copyFile(join(r.dir, r.init), join(out, initUri));
      let msn = first;
      clock = this.clockMs;
      position = this.position;
      for (let i = from; i < to; i++) {
        const s = r.segments[i]!;
        const uri = `seg-${msn}.m4s`;
        await copyFile(join(r.dir, s.file), join(out, uri));
        const entry = {
          msn,
          uri,
          duration: s.duration,
          initUri,
          discontinuity: i === 0 && this.runs > 1,
          programDateTime: Math.round(clock),
        };
        await appendFile(join(out, 'segments.jsonl'), formatSegmentIndexLine(entry));
        msn++;
        clock += s.duration * 1000;
        position += s.duration;
      }
    }
    this.msn = first + (to - from);
    this.clockMs = clock;
    this.position = position;
  }

  /** Thumbnails at wall-clock times from the session start, every `everySeconds`. */
  async thumbnails(files: readonly string[], everySeconds = 2, fromIndex = 0): Promise<void> {
    const out = join(this.dir, 'thumbnails');
    await mkdir(out, { recursive: true });
    for (let i = 0; i < files.length; i++) {
      const at = this.startMs + (fromIndex + i) * everySeconds * 1000;
      await copyFile(files[i]!, join(out, thumbnailFileName(at)));
    }
  }

  /** The transcoder's completion mark: its master playlist. */
  async finish(
    master = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=400000\nhi/playlist.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=150000\nlo/playlist.m3u8\n',
  ): Promise<void> {
    await writeFile(join(this.dir, 'master.m3u8'), master);
  }
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { type ClientRequest, type IncomingMessage, get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { internalCallHeaders } from '@phzzk/kit';
import { testSourceInputs, x264TestEncoder } from '@phzzk/media/ffmpeg/test-source';
import { type ProbedStream, probe as probeFile } from '@phzzk/media/test-support/process';
import { withDeadline } from '@phzzk/media/test-support/wait';

/** A source URL's /internal credential, as the transcoder signs it. */
export function sourceHeaders(url: string): Record<string, string> {
  const { pathname, search } = new URL(url);
  return internalCallHeaders('GET', `${pathname}${search}`, { service: 'transcoder' });
}

/** GET of an ingest node's live source with the transcoder's credential. */
export function get(url: string, onResponse: (res: IncomingMessage) => void): ClientRequest {
  return httpGet(url, { headers: sourceHeaders(url) }, onResponse);
}

// Real publishers and decoders (ffmpeg, GStreamer, ffprobe) as child processes, each ended by its
// own pid. Loads are kept small: the machine is shared.

export interface ToolProcess {
  child: ChildProcess;
  pid: number;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnTool(command: string, args: string[]): ToolProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const keep = (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-16_000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid ?? -1,
    stderr: () => stderr,
    exited,
    kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

export type FfmpegPublishOptions = {
  video?: boolean;
  audio?: boolean;
  size?: string;
  rate?: number;
  seconds?: number;
  /** Frames between key frames (default: one a second). */
  gop?: number;
  /** Extra video options, e.g. a noise filter and ['-qp', '0'] for megabytes a second. */
  videoArgs?: string[];
};

/** `ffmpeg -re` publishing a test picture and/or tone over RTMP (H.264 + AAC, a key frame a second). */
export function ffmpegPublish(url: string, options: FfmpegPublishOptions = {}): ToolProcess {
  const { video = true, audio = true, size = '320x180', rate = 30, seconds = 4, gop = rate } = options;
  const args = ['-hide_banner', '-loglevel', 'warning', '-re'];
  args.push(...testSourceInputs({ size: video && size, rate, sampleRate: audio && 44_100 }));
  if (video) args.push(...x264TestEncoder(gop), ...(options.videoArgs ?? []));
  if (audio) args.push('-c:a', 'aac', '-b:a', '64k');
  args.push('-t', String(seconds), '-f', 'flv', url);
  return spawnTool('ffmpeg', args);
}

/** GStreamer's rtmp2sink publishing H.264 (x264enc) + AAC (voaacenc) through flvmux. */
export function gstPublish(url: string, options: { videoBuffers?: number; audioBuffers?: number } = {}): ToolProcess {
  const pipeline =
    `videotestsrc is-live=true num-buffers=${options.videoBuffers ?? 120} ! video/x-raw,width=320,height=180,framerate=30/1 ` +
    `! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! h264parse ! flvmux name=m streamable=true ` +
    `! rtmp2sink location=${url} ` +
    `audiotestsrc is-live=true num-buffers=${options.audioBuffers ?? 200} ! voaacenc ! aacparse ! m.`;
  return spawnTool('gst-launch-1.0', ['-e', ...pipeline.split(' ')]);
}

/** A live HTTP source cannot be seeked: no Range re-requests (a late one would find the session gone). */
const liveInput = (url: string): string[] => (url.startsWith('http') ? ['-seekable', '0'] : []);

/**
 * Saves a live source to a file with exactly one connection: `receiving` resolves once the
 * response has started (the reader is attached), `done` when the session ended it.
 */
export function captureSource(url: string, file: string): { receiving: Promise<void>; done: Promise<string> } {
  let started!: () => void;
  let failed!: (error: Error) => void;
  const receiving = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  const done = new Promise<string>((resolve, reject) => {
    get(url, (res) => {
      if (res.statusCode !== 200) {
        const error = new Error(`${url} answered ${res.statusCode}`);
        failed(error);
        reject(error);
        res.resume();
        return;
      }
      started();
      pipeline(res, createWriteStream(file)).then(() => resolve(file), reject);
    }).on('error', (error) => {
      failed(error);
      reject(error);
    });
  });
  done.catch(() => {});
  return { receiving, done };
}

/**
 * Reads a live source to its end over one connection, then probes what arrived: each stream's
 * codec and size, and the frames ffmpeg decodes from it (see `probe` in @phzzk/media).
 */
export async function ffprobeStreams(url: string, timeoutMs = 30_000): Promise<ProbedStream[]> {
  const dir = mkdtempSync(join(tmpdir(), 'phzzk-probe-'));
  try {
    const file = await withDeadline(captureSource(url, join(dir, 'source.flv')).done, timeoutMs, `reading ${url}`);
    return await probeFile(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every decoded video frame's size, in order (to see a mid-stream resolution change). */
export async function ffprobeFrameSizes(url: string, timeoutMs = 30_000): Promise<string[]> {
  const probe = spawnTool('ffprobe', [
    '-v',
    'error',
    ...liveInput(url),
    '-select_streams',
    'v',
    '-show_entries',
    'frame=width,height',
    '-of',
    'csv=p=0',
    url,
  ]);
  let out = '';
  probe.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const result = await withDeadline(probe.exited, timeoutMs, `ffprobe frames ${url}`).catch((error) => {
    probe.kill();
    throw error;
  });
  if (result.code !== 0) throw new Error(`ffprobe exited ${result.code}: ${probe.stderr()}`);
  return out
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))
    .filter(Boolean);
}

/** Encodes a short H.264 + AAC FLV file (as fast as possible) and returns its path. */
export async function encodeFlvFile(path: string, size: string, seconds: number): Promise<string> {
  const tool = spawnTool('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...testSourceInputs({ size, sampleRate: 44_100 }),
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-bf', '0'],
    ...['-c:a', 'aac', '-t', String(seconds), '-f', 'flv', path],
  ]);
  const result = await withDeadline(tool.exited, 30_000, `ffmpeg ${path}`);
  if (result.code !== 0) throw new Error(`ffmpeg failed: ${tool.stderr()}`);
  return path;
}

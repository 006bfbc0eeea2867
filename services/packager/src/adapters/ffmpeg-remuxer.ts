import { spawn } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import type { MediaStorage, Remuxer } from '../domain/ports.ts';

/**
 * `ffmpeg -i playlist.m3u8 -c copy out.mp4`: the HLS demuxer follows EXT-X-MAP and
 * discontinuities, the streams are copied (never re-encoded), moov first for progressive download.
 * (To be replaced by the remux argument builder of @phzzk/media/ffmpeg when it lands.)
 */
export function remuxArgs(input: string, output: string): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-i',
    input,
    '-map',
    '0',
    '-c',
    'copy',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    output,
  ];
}

export class FfmpegRemuxer implements Remuxer {
  private readonly storage: MediaStorage;
  private readonly ffmpegPath: string;
  private readonly timeoutMs: number;

  constructor(options: { storage: MediaStorage; ffmpegPath: string; timeoutMs?: number }) {
    this.storage = options.storage;
    this.ffmpegPath = options.ffmpegPath;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async remuxToMp4(playlistKey: string, outputKey: string): Promise<void> {
    const output = this.storage.localPath(outputKey);
    const tmp = `${output}.tmp`;
    try {
      await runFfmpeg(this.ffmpegPath, remuxArgs(this.storage.localPath(playlistKey), tmp), this.timeoutMs);
      await rename(tmp, output);
    } finally {
      await rm(tmp, { force: true });
    }
  }
}

/** Runs ffmpeg to completion; rejects with its last error lines. Returns its stderr. */
export function runFfmpeg(ffmpegPath: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8192);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stderr);
      else
        reject(new Error(`ffmpeg exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

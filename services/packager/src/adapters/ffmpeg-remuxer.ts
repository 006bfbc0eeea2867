import { spawn } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import { remuxPlaylistToMp4Args, remuxToMp4Args } from '@phzzk/media/ffmpeg';
import type { MediaStorage, MediaTimeline, Remuxer } from '../domain/ports.ts';

/**
 * Segments into one progressive MP4, streams copied (never re-encoded). One timeline (the usual
 * clip) is ffmpeg's concat protocol over init + segments (`remuxToMp4Args` of @phzzk/media/ffmpeg);
 * a clip across a takeover is read through its playlist by the HLS demuxer, which follows the new
 * EXT-X-MAP after the discontinuity.
 */
export class FfmpegRemuxer implements Remuxer {
  private readonly storage: MediaStorage;
  private readonly ffmpegPath: string;
  private readonly timeoutMs: number;

  constructor(options: { storage: MediaStorage; ffmpegPath: string; timeoutMs?: number }) {
    this.storage = options.storage;
    this.ffmpegPath = options.ffmpegPath;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async remuxToMp4(timelines: readonly MediaTimeline[], playlistKey: string, outputKey: string): Promise<void> {
    const output = this.storage.localPath(outputKey);
    const tmp = `${output}.tmp`;
    const local = (key: string) => this.storage.localPath(key);
    const only = timelines.length === 1 ? timelines[0] : undefined;
    const args = only
      ? remuxToMp4Args([local(only.init), ...only.segments.map(local)], tmp)
      : remuxPlaylistToMp4Args(local(playlistKey), tmp);
    try {
      await runFfmpeg(this.ffmpegPath, args, this.timeoutMs);
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

import { existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSourceInputs } from '@phzzk/media/ffmpeg/test-source';
import { type Proc, run } from '../../test/support/processes.ts';

/**
 * A 30 s 720p30 source as a streamer's OBS would send it (x264 veryfast, zerolatency, high
 * profile, 3.5 Mb/s CBR-ish, 1 s GOP without scene cuts, AAC 48 kHz), encoded once and kept in the
 * temp directory: publishers then only copy it, so they cost next to no CPU of their own.
 */
export async function sourceFile(): Promise<string> {
  const path = join(tmpdir(), 'phzzk-bench-720p30-gop1s.flv');
  if (existsSync(path)) return path;
  const partial = `${path}.partial`;
  const encode = run('ffmpeg', [
    ...['-hide_banner', '-nostats', '-loglevel', 'error', '-y'],
    ...testSourceInputs({ size: '1280x720' }),
    ...['-t', '30', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high'],
    ...[
      '-b:v',
      '3500k',
      '-maxrate',
      '3500k',
      '-bufsize',
      '3500k',
      '-g',
      '30',
      '-keyint_min',
      '30',
      '-sc_threshold',
      '0',
    ],
    ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', partial],
  ]);
  if ((await encode.exited) !== 0) throw new Error(`encoding the source failed: ${encode.output()}`);
  renameSync(partial, path);
  return path;
}

/** Publishes the file in a loop, in real time (-re), copied as it is; bounded by `seconds`. */
export function publishFile(rtmpUrl: string, file: string, seconds: number): Proc {
  return run('ffmpeg', [
    ...['-hide_banner', '-nostats', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', file],
    ...['-c', 'copy', '-t', String(seconds), '-f', 'flv', rtmpUrl],
  ]);
}

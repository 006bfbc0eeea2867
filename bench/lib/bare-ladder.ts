import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { Fmp4Parser, TrackKind } from '@phzzk/media/fmp4';

export interface BareLadder {
  pid: number;
  /** Video seconds the first output (the source rendition) has written so far. */
  mediaSeconds(): number;
  output(): string;
  stop(): Promise<void>;
}

/** ffmpeg running a ladder's `args`: FLV on stdin, one pipe per fMP4 output (pipe:3 on). */
export function spawnLadder(args: string[]) {
  const outputs = args.filter((a) => /^pipe:([3-9]|\d\d+)$/.test(a)).length;
  const ladder = spawn('ffmpeg', args, {
    stdio: ['pipe', 'ignore', 'pipe', ...Array.from({ length: outputs }, () => 'pipe' as const)],
  });
  return { ladder, outputs };
}

/** ffmpeg copying FLV (`input`: the options around and including `-i file`) to stdout, for a ladder's stdin. */
export function spawnFeeder(input: string[]) {
  return spawn(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-loglevel', 'error', ...input, '-c', 'copy', '-f', 'flv', 'pipe:1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/**
 * The transcoder's ffmpeg command (its exact arguments, read from the running one) run without
 * PHZZK: the same FLV on stdin, here from a real-time copy of the file, one fMP4 pipe per output,
 * read and thrown away (the first one parsed, to know how much media went through).
 */
export function runBareLadder(args: string[], file: string): BareLadder {
  const { ladder, outputs } = spawnLadder(args);
  const feeder = spawnFeeder(['-re', '-stream_loop', '-1', '-i', file]);
  if (ladder.pid === undefined || feeder.pid === undefined) throw new Error('could not start ffmpeg');
  feeder.stdout?.pipe(ladder.stdin!);
  ladder.stdin?.on('error', () => {});
  let log = '';
  ladder.stderr?.on('data', (d) => (log += d));
  feeder.stderr?.on('data', (d) => (log += d));

  const parser = new Fmp4Parser();
  const video = new Set<number>();
  const timescale = new Map<number, number>();
  let media = 0;
  for (let i = 0; i < outputs; i++) {
    const out = ladder.stdio[3 + i] as Readable;
    out.on('error', () => {});
    if (i > 0) {
      out.resume();
      continue;
    }
    out.on('data', (chunk: Buffer) => {
      for (const event of parser.push(chunk)) {
        if (event.type === 'init') {
          for (const t of event.init.tracks) {
            timescale.set(t.id, t.timescale);
            if (t.kind === TrackKind.Video) video.add(t.id);
          }
        } else {
          for (const t of event.fragment.tracks) {
            if (video.has(t.trackId)) media += t.duration / (timescale.get(t.trackId) ?? 1);
          }
        }
      }
    });
  }
  const exited = (p: typeof ladder) =>
    new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())));
  return {
    pid: ladder.pid,
    mediaSeconds: () => media,
    output: () => log,
    async stop() {
      feeder.kill('SIGKILL');
      ladder.stdin?.end();
      const timer = setTimeout(() => ladder.kill('SIGKILL'), 5000);
      await Promise.all([exited(feeder), exited(ladder)]);
      clearTimeout(timer);
    },
  };
}

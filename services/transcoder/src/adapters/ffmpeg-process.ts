import { execFile, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { outputFd } from '../domain/ffmpeg-args.ts';

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface FfmpegProcess {
  pid: number | undefined;
  stdin: Writable;
  /** One readable per output, in the order of the outputs (fd 3, 4, ...). */
  outputs: Readable[];
  exited: Promise<FfmpegExit>;
  /** The last lines ffmpeg wrote to stderr, for the log when it dies. */
  stderrTail(): string;
  kill(signal: NodeJS.Signals): void;
}

const STDERR_TAIL_BYTES = 4096;

/** Spawns ffmpeg with stdin for the input and one extra pipe per output. */
export function spawnFfmpeg(path: string, args: string[], outputCount: number): FfmpegProcess {
  const child = spawn(path, args, {
    stdio: ['pipe', 'ignore', 'pipe', ...Array.from({ length: outputCount }, () => 'pipe' as const)],
  });
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    tail = (tail + text).slice(-STDERR_TAIL_BYTES);
  });
  // A dying ffmpeg closes its stdin: the write error is expected and reported through `exited`.
  child.stdin?.on('error', () => {});
  const outputs = Array.from({ length: outputCount }, (_, i) => child.stdio[outputFd(i)] as Readable);
  for (const output of outputs) output.on('error', () => {});
  const exited = new Promise<FfmpegExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      tail += `\nspawn failed: ${error.message}`;
      resolve({ code: null, signal: null });
    });
  });
  return {
    pid: child.pid,
    stdin: child.stdin!,
    outputs,
    exited,
    stderrTail: () => tail.trim(),
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** The ffmpeg version line, or an error when the binary is missing or lacks what we need. */
export function checkFfmpeg(path: string): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    execFile(path, ['-hide_banner', '-encoders'], { timeout: 10_000, maxBuffer: 4 << 20 }, (error, stdout) => {
      if (error) return resolve({ ok: false, detail: `${path}: ${error.message}` });
      if (!/libx264/.test(stdout)) return resolve({ ok: false, detail: `${path} has no libx264 encoder` });
      execFile(path, ['-version'], { timeout: 10_000 }, (versionError, version) => {
        const line = versionError ? 'version unknown' : version.split('\n')[0]!.trim();
        resolve({ ok: true, detail: line });
      });
    });
  });
}

// The ffmpeg process wrapper: spawn with the input on stdin and each output on a pipe of its own,
// keep the end of stderr for the log, stop gracefully (end the input, then kill after a grace time).
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

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
  /** Ends the input so ffmpeg writes its last output and exits; SIGKILL after graceMs. */
  stop(graceMs: number): Promise<FfmpegExit>;
}

export interface SpawnOptions {
  /** Extra output pipes (fd 3, 4, ...); see outputFd. */
  outputs?: number;
  /** Called with each complete stderr line (ffmpeg's errors and warnings at -loglevel). */
  onStderrLine?: (line: string) => void;
}

/** Extra stdio descriptor of output i: stdin is the input, stdout/stderr are ffmpeg's own. */
export const outputFd = (index: number): number => 3 + index;

const STDERR_TAIL_BYTES = 4096;

/** Spawns ffmpeg with stdin for the input and one extra pipe per output. */
export function spawnFfmpeg(path: string, args: readonly string[], options: SpawnOptions = {}): FfmpegProcess {
  const outputCount = options.outputs ?? 0;
  const child = spawn(path, args, {
    stdio: ['pipe', 'ignore', 'pipe', ...Array.from({ length: outputCount }, () => 'pipe' as const)],
  });
  let tail = '';
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    tail = (tail + text).slice(-STDERR_TAIL_BYTES);
    if (!options.onStderrLine) return;
    const lines = (partial + text).split(/\r?\n|\r/);
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) options.onStderrLine(line);
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
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  return {
    pid: child.pid,
    stdin: child.stdin!,
    outputs,
    exited,
    stderrTail: () => tail.trim(),
    kill,
    async stop(graceMs) {
      child.stdin?.end();
      const timer = setTimeout(() => kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

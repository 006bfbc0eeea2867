import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

export interface CommandResult {
  code: number | null;
  output: string;
}

/**
 * Runs a command to completion, collecting stdout and stderr together (installers and tools
 * interleave the two and the order helps when their output ends up in an error message).
 */
export function runCommand(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer =
      opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs).unref();
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** Like runCommand, but a non-zero exit becomes an Error carrying the end of the output. */
export async function runChecked(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  const result = await runCommand(command, args, opts);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.code ?? 'a signal'}:\n${lastLines(result.output, 20)}`,
    );
  }
  return result.output;
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * The end of a log file for an error message, optionally only what was written after byte
 * `from` (so that an earlier run's lines do not pass for this one's). Empty when unreadable.
 */
export function tailFile(path: string, count = 20, from = 0): string {
  try {
    return lastLines(readFileSync(path).subarray(from).toString('utf8'), count);
  } catch {
    return '';
  }
}

/** The current size of a file, 0 when it does not exist: where its new content will start. */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

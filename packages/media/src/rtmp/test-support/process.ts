// Child processes (ffmpeg, ffprobe, gst-launch) with a hard deadline, for real-client tests.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export type ProcessResult = { code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string };

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command to completion; kills it (by its own pid) and rejects at the deadline. */
export function run(
  command: string,
  args: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => stdout.push(d));
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish within ${options.timeoutMs} ms\n${stderr.slice(-2000)}`));
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr });
    });
  });
}

/** ffprobe's view of a media file: per stream codec, size, rate and counted packets. */
export async function probe(file: string): Promise<
  {
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    sample_rate?: string;
    channels?: number;
    nb_read_packets?: string;
    nb_read_frames?: string;
  }[]
> {
  const result = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_type,codec_name,width,height,sample_rate,channels,nb_read_packets,nb_read_frames',
      '-of',
      'json',
      file,
    ],
    { timeoutMs: 20_000 },
  );
  if (result.code !== 0) throw new Error(`ffprobe failed: ${result.stderr}`);
  return JSON.parse(result.stdout.toString()).streams;
}

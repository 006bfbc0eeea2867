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

export type ProbedStream = {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  /** Frames ffmpeg decoded from the stream, counted to the end of the file. */
  nb_read_frames?: string;
};

/**
 * A media file's streams as ffprobe reads them (codec, size, rate), each audio and video stream
 * with the frames ffmpeg decodes from it. Frames are counted by ffmpeg, not `ffprobe -count_frames`:
 * Debian's ffprobe 5.1 crashes (SIGSEGV in avcodec_flush_buffers) when the FLV demuxer adds a data
 * stream late in the file, for an onMetaData update near the end as GStreamer's flvmux sometimes
 * sends; ffmpeg decodes the same file without complaint.
 */
export async function probe(file: string): Promise<ProbedStream[]> {
  const info = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-show_entries',
      'stream=index,codec_type,codec_name,width,height,sample_rate,channels',
      '-of',
      'json',
      file,
    ],
    { timeoutMs: 20_000 },
  );
  if (info.code !== 0) throw new Error(`ffprobe failed (code ${info.code}, signal ${info.signal}): ${info.stderr}`);
  const streams: (ProbedStream & { index: number })[] = JSON.parse(info.stdout.toString()).streams;
  const media = streams.filter((s) => s.codec_type === 'video' || s.codec_type === 'audio').map((s) => s.index);
  const frames = media.length > 0 ? await decodedFrames(file, media) : new Map<number, number>();
  return streams.map(({ index, ...stream }) =>
    media.includes(index) ? { ...stream, nb_read_frames: String(frames.get(index) ?? 0) } : stream,
  );
}

/** Decoded frames per input stream index: ffmpeg's framecrc lists one line per decoded frame. */
async function decodedFrames(file: string, indexes: number[]): Promise<Map<number, number>> {
  const maps = indexes.flatMap((i) => ['-map', `0:${i}`]);
  const result = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, ...maps, '-fps_mode', 'passthrough', '-f', 'framecrc', '-'],
    {
      timeoutMs: 20_000,
    },
  );
  if (result.code !== 0)
    throw new Error(`ffmpeg decode failed (code ${result.code}, signal ${result.signal}): ${result.stderr}`);
  const counts = new Map<number, number>();
  for (const line of result.stdout.toString().split('\n')) {
    const output = /^(\d+),/.exec(line)?.[1]; // framecrc numbers the outputs in -map order
    const index = output === undefined ? undefined : indexes[Number(output)];
    if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  return counts;
}

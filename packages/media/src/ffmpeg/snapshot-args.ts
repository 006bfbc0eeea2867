// ffmpeg arguments for one still picture (JPEG) from a file or playlist: VOD and clip thumbnails.

export interface SnapshotOptions {
  /** Seek here first (seconds into the input). */
  atSeconds?: number;
  /** Scale to this height (width keeps the aspect ratio, even); never upscaled. */
  height?: number;
  /** JPEG quality, -q:v (2 best .. 31 worst). */
  quality?: number;
  logLevel?: string;
}

export function snapshotArgs(input: string, output: string, options: SnapshotOptions = {}): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', options.logLevel ?? 'error'];
  if (options.atSeconds !== undefined) {
    if (!Number.isFinite(options.atSeconds) || options.atSeconds < 0) throw new RangeError('atSeconds must be >= 0');
    args.push('-ss', options.atSeconds.toFixed(3));
  }
  args.push('-i', input, '-map', '0:v:0', '-frames:v', '1');
  if (options.height !== undefined) args.push('-vf', `scale=-2:min(ih\\,${Math.round(options.height)})`);
  args.push('-c:v', 'mjpeg', '-q:v', String(options.quality ?? 4), '-f', 'image2', '-update', '1', '-y', output);
  return args;
}

// ffmpeg arguments that remux fragmented-MP4 (CMAF) segments into one progressive MP4, without
// re-encoding: for clips cut from a session's stored segments.

export interface RemuxOptions {
  /** -loglevel (default error). */
  logLevel?: string;
  /** Trim: start at this many seconds into the concatenated input (cuts at the key frame before). */
  startSeconds?: number;
  /** Trim: keep this many seconds. */
  durationSeconds?: number;
}

/**
 * `inputs` is one timeline: its init segment first, then its media segments in order (the same
 * init: a playlist discontinuity starts another remux). The files are read as one byte stream
 * (ffmpeg's concat protocol, which is exactly how fMP4 segments join), copied into `output` with
 * the index in front (+faststart) so the MP4 plays while it downloads.
 */
export function remuxToMp4Args(inputs: readonly string[], output: string, options: RemuxOptions = {}): string[] {
  if (inputs.length === 0) throw new RangeError('remux needs an init segment and at least one segment');
  for (const path of [...inputs, output]) {
    // The concat protocol separates inputs with '|'; a leading '-' would read as an option.
    if (path.length === 0 || path.includes('|') || path.startsWith('-')) {
      throw new RangeError(`not a usable path for ffmpeg: ${JSON.stringify(path)}`);
    }
  }
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', options.logLevel ?? 'error'];
  if (options.startSeconds !== undefined) args.push('-ss', seconds(options.startSeconds));
  args.push('-i', `concat:${inputs.join('|')}`);
  if (options.durationSeconds !== undefined) args.push('-t', seconds(options.durationSeconds));
  return [...args, ...copyToMp4(output)];
}

/**
 * Remuxes what an HLS playlist lists (read by ffmpeg's HLS demuxer, which follows a new EXT-X-MAP
 * after a discontinuity) into one progressive MP4: for a clip across an encoder takeover.
 */
export function remuxPlaylistToMp4Args(
  playlist: string,
  output: string,
  options: Pick<RemuxOptions, 'logLevel'> = {},
): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    options.logLevel ?? 'error',
    '-i',
    playlist,
    ...copyToMp4(output),
  ];
}

/** Every stream copied (never re-encoded) into `output`, the index in front for progressive download. */
function copyToMp4(output: string): string[] {
  return ['-map', '0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '-y', output];
}

function seconds(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a time in seconds: ${value}`);
  return value.toFixed(3);
}

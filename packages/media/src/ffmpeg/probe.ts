// ffprobe and ffmpeg checks: what a media file holds, and whether the ffmpeg binary is usable.
import { execFile } from 'node:child_process';

export interface ProbedStream {
  type: 'video' | 'audio' | 'other';
  codec: string;
  width?: number;
  height?: number;
}

export interface ProbeResult {
  /** Seconds (undefined when ffprobe cannot tell). */
  durationSeconds: number | undefined;
  formatName: string;
  streams: ProbedStream[];
}

type RawProbe = {
  format?: { duration?: string; format_name?: string };
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
};

/** Runs ffprobe on `input`; rejects when ffprobe fails (missing file, not media). */
export function ffprobe(input: string, options: { path?: string; timeoutMs?: number } = {}): Promise<ProbeResult> {
  const args = [
    '-v',
    'error',
    '-show_entries',
    'format=duration,format_name:stream=codec_type,codec_name,width,height',
  ];
  args.push('-of', 'json', input);
  return new Promise((resolve, reject) => {
    execFile(options.path ?? 'ffprobe', args, { timeout: options.timeoutMs ?? 30_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`ffprobe ${input}: ${stderr.trim() || error.message}`));
      try {
        resolve(parseProbe(JSON.parse(stdout) as RawProbe));
      } catch (parseError) {
        reject(parseError as Error);
      }
    });
  });
}

export function parseProbe(raw: RawProbe): ProbeResult {
  const duration = Number(raw.format?.duration);
  return {
    durationSeconds: Number.isFinite(duration) ? duration : undefined,
    formatName: raw.format?.format_name ?? '',
    streams: (raw.streams ?? []).map((s) => ({
      type: s.codec_type === 'video' || s.codec_type === 'audio' ? s.codec_type : 'other',
      codec: s.codec_name ?? 'unknown',
      ...(s.width ? { width: s.width } : {}),
      ...(s.height ? { height: s.height } : {}),
    })),
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

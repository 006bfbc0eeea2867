// ffmpeg arguments for a live stream's ladder: FLV on stdin, one fMP4 (CMAF) pipe per rendition,
// and a JPEG thumbnail pipe, all from one decode.
import { outputFd } from './process.ts';

export type VideoPlan =
  | { mode: 'copy'; codec: string }
  | { mode: 'encode'; width: number; height: number; kbps: number };
export type AudioPlan = { mode: 'copy' } | { mode: 'encode'; kbps: number };

/** One output of the stream's ffmpeg: one fMP4 pipe, one LL-HLS rendition. */
export interface RenditionPlan {
  name: string;
  video: VideoPlan | null;
  audio: AudioPlan | null;
  /** Declared peak bits/s for the master playlist until measured; undefined = measure only. */
  bandwidth: number | undefined;
}

export interface EncoderSettings {
  /** x264 preset for the ladder (veryfast/superfast in production, ultrafast in tests). */
  preset: string;
  /** PART-TARGET seconds; fragments are sized so that no part exceeds it. */
  partTarget: number;
  /** Duration of one video frame (or one AAC frame without video), seconds. */
  frameSeconds: number;
  /** Probing budget before the first output: small, since the FLV starts with its sequence headers. */
  probeSize: number;
  analyzeDurationUs: number;
  logLevel: string;
}

/** Margin for millisecond FLV timestamps: a frame may arrive up to 1 ms early. */
const JITTER_SECONDS = 0.002;

/**
 * ffmpeg's -frag_duration. The mp4 muxer cuts a fragment before the first packet at or past
 * start + frag_duration, so a fragment can run up to one frame beyond it: leave one frame (and
 * timestamp jitter) of room so every fragment, and hence every part, fits in PART-TARGET.
 */
export function fragmentDurationUs(partTarget: number, frameSeconds: number): number {
  const seconds = Math.max(partTarget / 2, partTarget - frameSeconds - JITTER_SECONDS);
  return Math.round(seconds * 1_000_000);
}

/** Seconds per frame from the announced frame rate (30 fps when the source did not say). */
export function frameSecondsOf(video: { fps: number } | null, audio: { sampleRate: number } | null): number {
  if (video) return 1 / (video.fps > 0 && video.fps <= 240 ? video.fps : 30);
  return 1024 / (audio && audio.sampleRate > 0 ? audio.sampleRate : 48000);
}

/** Thumbnails: one JPEG every `everySeconds` of the stream, on the pipe after the renditions'. */
export interface ThumbnailOutput {
  everySeconds: number;
  /** JPEG quality, ffmpeg's -q:v scale (2 best .. 31 worst). */
  quality?: number;
}

/** The height of a thumbnail taken from the source when no rung is scaled (never upscaled). */
const SOURCE_THUMBNAIL_HEIGHT = 360;

/**
 * One ffmpeg per stream: FLV on stdin, one fragmented-MP4 (CMAF) output per rendition on its own
 * pipe. Decoding happens once; scaled ladder rungs come from one split filter graph. `run` counts
 * the stream's ffmpeg runs: it is written into each init segment, so that a restarted encoder's
 * init differs from the last one even with the same settings (the packager drops an init equal to
 * the current one, and a restart must come with a new EXT-X-MAP). With `thumbnail`, the same decode
 * also yields a JPEG every few seconds from the smallest scaled rung (an extra split, no second
 * decode), image2pipe'd on the pipe after the renditions' (outputFd(plans.length)).
 */
export function buildLadderArgs(
  plans: readonly RenditionPlan[],
  settings: EncoderSettings,
  run = 1,
  thumbnail?: ThumbnailOutput,
): string[] {
  if (plans.length === 0) throw new RangeError('a stream needs at least one rendition');
  const args = ['-hide_banner', '-nostats', '-loglevel', settings.logLevel];
  // Slice threads: frame threading would hold back one decoded frame per thread.
  args.push('-thread_type', 'slice', '-probesize', String(settings.probeSize));
  args.push('-analyzeduration', String(settings.analyzeDurationUs), '-f', 'flv', '-i', 'pipe:0');

  const scaled = plans.filter((p) => p.video?.mode === 'encode');
  const withThumbnail = thumbnail !== undefined && hasThumbnailOutput(plans);
  const graph: string[] = [];
  if (scaled.length > 0) {
    const labels = scaled.map((_, i) => `[s${i}]`).join('');
    graph.push(`[0:v:0]split=${scaled.length}${labels}`);
    const smallest = smallestIndex(scaled);
    scaled.forEach((p, i) => {
      const v = p.video as { width: number; height: number };
      const chain = `[s${i}]scale=${v.width}:${v.height}:flags=bilinear,format=yuv420p`;
      graph.push(withThumbnail && i === smallest ? `${chain},split=2[v${i}][t]` : `${chain}[v${i}]`);
    });
  } else if (withThumbnail) {
    // Only the source (copied): thumbnails need a decode of their own, scaled down.
    graph.push(`[0:v:0]scale=-2:min(ih\\,${SOURCE_THUMBNAIL_HEIGHT}):flags=bilinear[t]`);
  }
  if (withThumbnail) graph.push(`[t]fps=1/${thumbnail.everySeconds}[thumb]`);
  if (graph.length > 0) args.push('-filter_complex', graph.join(';'));

  const fragment = fragmentDurationUs(settings.partTarget, settings.frameSeconds);
  plans.forEach((plan, index) => {
    const video = plan.video;
    if (video?.mode === 'copy') {
      args.push('-map', '0:v:0', '-c:v', 'copy');
      // HEVC in MP4 must be tagged hvc1 (parameter sets in the sample entry) for Apple players.
      if (/^(hevc|h265|hvc1|hev1)$/i.test(video.codec)) args.push('-tag:v', 'hvc1');
    } else if (video?.mode === 'encode') {
      const kbps = `${video.kbps}k`;
      args.push('-map', `[v${scaled.indexOf(plan)}]`, '-c:v', 'libx264', '-preset', settings.preset);
      args.push('-tune', 'zerolatency', '-profile:v', 'high', '-b:v', kbps, '-maxrate', kbps);
      args.push('-bufsize', `${video.kbps}k`);
      // Key frames exactly where the source has them (so every rendition segments alike), and only
      // there: no scene-cut key frames, a GOP cap far above any sane source GOP, no frame rate
      // conversion (passthrough), which would shift frames and with them the forced key frames.
      args.push('-force_key_frames', 'source', '-sc_threshold', '0', '-g', '1200', '-fps_mode', 'passthrough');
    }
    if (plan.audio?.mode === 'copy') {
      args.push('-map', '0:a:0', '-c:a', 'copy');
    } else if (plan.audio?.mode === 'encode') {
      args.push('-map', '0:a:0', '-c:a', 'aac', '-b:a', `${plan.audio.kbps}k`, '-ac', '2');
    }
    args.push('-metadata', `comment=phzzk run ${run}`);
    args.push('-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof+cmaf');
    args.push('-frag_duration', String(fragment), '-flush_packets', '1', '-max_interleave_delta', '0');
    args.push(`pipe:${outputFd(index)}`);
  });
  if (withThumbnail) {
    args.push('-map', '[thumb]', '-c:v', 'mjpeg', '-q:v', String(thumbnail.quality ?? 5), '-an');
    args.push('-f', 'image2pipe', `pipe:${outputFd(plans.length)}`);
  }
  return args;
}

/** Whether buildLadderArgs adds a thumbnail output for these renditions (it needs video). */
export const hasThumbnailOutput = (plans: readonly RenditionPlan[]): boolean => plans.some((p) => p.video !== null);

function smallestIndex(scaled: readonly RenditionPlan[]): number {
  let best = 0;
  scaled.forEach((p, i) => {
    const height = (p.video as { height: number }).height;
    if (height < (scaled[best]!.video as { height: number }).height) best = i;
  });
  return best;
}

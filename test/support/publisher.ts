import { type Proc, run } from './processes.ts';

/**
 * A real RTMP publisher as a streamer's encoder would be: ffmpeg, 720p30 test pattern and a tone,
 * x264 with 1 s GOPs, paced in real time (-re), for a bounded time.
 */
export function publishTestPattern(rtmpUrl: string, options: { seconds: number; size?: string }): Proc {
  return run('ffmpeg', [
    ...['-hide_banner', '-nostats', '-loglevel', 'warning'],
    ...['-re', '-f', 'lavfi', '-i', `testsrc2=size=${options.size ?? '1280x720'}:rate=30`],
    ...['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '128k', '-t', String(options.seconds), '-f', 'flv', rtmpUrl],
  ]);
}

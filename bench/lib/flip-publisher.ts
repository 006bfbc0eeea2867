import { spawn } from 'node:child_process';

export interface Switch {
  /** performance.now() when the first frame of the new colour was handed to the encoder. */
  at: number;
  frame: number;
  white: boolean;
  /** Frames still waiting in our pipe to ffmpeg at the switch (0 when the publisher keeps up). */
  queuedFrames: number;
}

export interface FlipPublisher {
  switches: Switch[];
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

const W = 1280;
const H = 720;
const FPS = 30;
const RATE = 48_000;
/** Audio written this far ahead of video (see below). */
const AUDIO_LEAD_MS = 200;

/**
 * An RTMP publisher whose picture we control to the frame: this process generates 720p30 grey
 * frames (black and white alternating, a flip every `flipEverySeconds` +-20% so that flips fall at
 * every phase of GOPs and parts, not always on a key frame) and a 440 Hz tone, paced by its
 * own clock, and pipes them raw into ffmpeg (x264 ultrafast/zerolatency, 1 s GOP, AAC, FLV over
 * RTMP). The switch instant is when the first frame of the new colour is written to ffmpeg's
 * stdin: everything after it (encode, RTMP, ingest, transcoder, packaging, gateway) is measured.
 *
 * Audio comes from the same clock, written AUDIO_LEAD_MS ahead: ffmpeg's muxer holds a packet
 * until it has one of every stream with a later timestamp, so audio arriving after video (two
 * independently paced inputs, or AAC's encoder delay) would hold every video frame back ~170 ms in
 * the publisher. An encoder such as OBS sends its packets in timestamp order as they are encoded;
 * leading audio gives that: A/V timestamps stay in sync, only the audio bytes are early.
 */
export function startFlipPublisher(rtmpUrl: string, options: { flipEverySeconds: number }): FlipPublisher {
  const ff = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostats', '-loglevel', 'warning'],
      // Raw inputs need no probing; probing one (seconds of it) while the other waits would stall both.
      ...['-probesize', '32', '-analyzeduration', '0', '-thread_queue_size', '64'],
      ...['-f', 'rawvideo', '-pix_fmt', 'gray', '-video_size', `${W}x${H}`, '-framerate', String(FPS), '-i', 'pipe:0'],
      ...['-probesize', '32', '-analyzeduration', '0', '-thread_queue_size', '256'],
      ...['-f', 's16le', '-ar', String(RATE), '-ac', '1', '-i', 'pipe:3'],
      ...['-map', '0:v', '-map', '1:a', '-fps_mode', 'passthrough'],
      // 1 s GOP as streaming guides ask; no scene-cut key frames (each flip would be one).
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-sc_threshold', '0'],
      ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', rtmpUrl],
    ],
    { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] },
  );
  if (ff.pid === undefined) throw new Error('could not start ffmpeg');
  let output = '';
  ff.stderr?.on('data', (d) => (output += d));
  const video = ff.stdin!;
  const audio = ff.stdio[3] as NodeJS.WritableStream;
  // Closing ffmpeg's pipes early is expected when we stop it.
  video.on('error', () => {});
  (audio as unknown as { on(e: string, f: () => void): void }).on('error', () => {});
  const exited = new Promise<void>((resolve) => ff.once('exit', () => resolve()));
  let alive = true;
  ff.once('exit', () => (alive = false));

  const black = Buffer.alloc(W * H, 0);
  const white = Buffer.alloc(W * H, 255);
  let samplesWritten = 0;
  const writeAudioUntil = (seconds: number) => {
    const until = Math.floor(seconds * RATE);
    if (until <= samplesWritten) return;
    const pcm = Buffer.alloc((until - samplesWritten) * 2);
    for (let i = 0; i < until - samplesWritten; i++) {
      pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * (samplesWritten + i)) / RATE)), i * 2);
    }
    samplesWritten = until;
    audio.write(pcm);
  };

  const switches: Switch[] = [];
  // Deterministic pseudo-random gaps (same schedule every run): 0.8x to 1.2x the period.
  let seed = 12345;
  const gap = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.round(options.flipEverySeconds * FPS * (0.8 + (0.4 * seed) / 2 ** 31));
  };
  let nextFlip = gap();
  let isWhite = false;
  let stopped = false;
  const loop = (async () => {
    const t0 = performance.now();
    for (let n = 0; !stopped && alive; n++) {
      const due = t0 + (n * 1000) / FPS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      writeAudioUntil((n + 1) / FPS + AUDIO_LEAD_MS / 1000);
      if (n === nextFlip) {
        isWhite = !isWhite;
        nextFlip += gap();
        switches.push({
          at: performance.now(),
          frame: n,
          white: isWhite,
          queuedFrames: video.writableLength / (W * H),
        });
      }
      // Never wait for a drain here: audio must keep flowing on the clock whatever video does. A
      // backlog (ffmpeg behind) shows as queuedFrames > 0 at a switch.
      video.write(isWhite ? white : black);
    }
  })();

  return {
    switches,
    pid: ff.pid,
    output: () => output,
    async stop() {
      stopped = true;
      await loop;
      video.end();
      audio.end();
      const timer = setTimeout(() => alive && ff.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

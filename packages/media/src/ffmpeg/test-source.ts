// ffmpeg's synthetic media for tests and benches: lavfi's moving test picture and a 440 Hz tone
// as inputs, and the fast x264 settings test publishers encode them with. No media files needed.

export interface TestSourceOptions {
  /** Picture size, e.g. '320x180' (default); false leaves the picture out. */
  size?: string | false;
  rate?: number;
  /** The lavfi picture source (default testsrc2; e.g. mandelbrot for a picture that compresses badly). */
  pattern?: string;
  /** Tone sample rate (default 48 kHz); false leaves the tone out. */
  sampleRate?: number | false;
  /** Ends both inputs after this long (lavfi `duration`); default: endless (bound it with -t). */
  seconds?: number;
}

/** The `-f lavfi -i …` inputs: testsrc2 (picture) and/or sine (tone). */
export function testSourceInputs(options: TestSourceOptions = {}): string[] {
  const { size = '320x180', rate = 30, pattern = 'testsrc2', sampleRate = 48_000, seconds } = options;
  const duration = seconds === undefined ? '' : `:duration=${seconds}`;
  const inputs: string[] = [];
  if (size !== false) inputs.push('-f', 'lavfi', '-i', `${pattern}=size=${size}:rate=${rate}${duration}`);
  if (sampleRate !== false) inputs.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${sampleRate}${duration}`);
  return inputs;
}

/** x264 as test publishers use it: ultrafast, zero latency (no B-frames), a key frame every `gop` frames. */
export function x264TestEncoder(gop: number): string[] {
  return ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(gop)];
}

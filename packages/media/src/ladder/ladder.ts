/** One rung of the adaptive bitrate ladder. `source` is the publisher's stream copied as it is. */
export interface Rendition {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  audioKbps: number;
  source: boolean;
}

export interface SourceVideo {
  width: number;
  height: number;
  bitrateKbps?: number | null;
}

/** The transcoded rungs, tallest first; tunable by configuration, these are the defaults. */
export const DEFAULT_LADDER = [
  { name: '720p', height: 720, videoKbps: 2800, audioKbps: 128 },
  { name: '480p', height: 480, videoKbps: 1400, audioKbps: 96 },
  { name: '360p', height: 360, videoKbps: 800, audioKbps: 96 },
  { name: '160p', height: 160, videoKbps: 250, audioKbps: 64 },
] as const;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * The renditions for a source: the source itself, then every rung strictly below the source's
 * height (never upscaling), widths keeping the source's aspect ratio (even, as H.264 4:2:0 needs).
 * Transcoder and channel service both use this, so what the directory announces is what is served.
 */
export function renditionsFor(
  source: SourceVideo,
  ladder: readonly { name: string; height: number; videoKbps: number; audioKbps: number }[] = DEFAULT_LADDER,
): Rendition[] {
  const sourceRendition: Rendition = {
    name: 'source',
    width: source.width,
    height: source.height,
    videoKbps: source.bitrateKbps ?? 0,
    audioKbps: 0,
    source: true,
  };
  const rungs = ladder
    .filter((r) => r.height < source.height)
    .map((r) => ({
      name: r.name,
      width: even((source.width * r.height) / source.height),
      height: r.height,
      videoKbps: r.videoKbps,
      audioKbps: r.audioKbps,
      source: false,
    }));
  return [sourceRendition, ...rungs];
}

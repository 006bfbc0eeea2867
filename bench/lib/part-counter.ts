import { nextPart, parseMedia } from '../../test/support/hls.ts';

export interface CountedPart {
  at: number;
  duration: number;
}

/**
 * Follows one LL-HLS rendition with blocking playlist reloads and notes when each new part is
 * listed and how long it is (nothing is downloaded): how fast a stream's parts are produced.
 */
export class PartCounter {
  readonly parts: CountedPart[] = [];
  readonly errors: string[] = [];
  private readonly abort = new AbortController();
  private readonly loop: Promise<void>;
  private readonly url: string;

  constructor(playlistUrl: string) {
    this.url = playlistUrl;
    this.loop = this.run().catch((e: Error) => {
      if (!this.abort.signal.aborted) this.errors.push(e.message);
    });
  }

  private async run(): Promise<void> {
    let text = await (await fetch(this.url, { signal: this.abort.signal })).text();
    let last: { msn: number; index: number } | undefined;
    while (!this.abort.signal.aborted) {
      const at = performance.now();
      const playlist = parseMedia(text);
      for (const p of playlist.parts) {
        if (last && (p.msn < last.msn || (p.msn === last.msn && p.index <= last.index))) continue;
        // The first playlist's parts are history: only what is listed from now on counts.
        if (last) this.parts.push({ at, duration: p.duration });
        last = p;
      }
      last ??= { msn: -1, index: 0 };
      if (playlist.ended) return;
      const next = nextPart(playlist);
      const res = await fetch(`${this.url}?_HLS_msn=${next.msn}&_HLS_part=${next.part}`, {
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(15_000)]),
      });
      if (res.status !== 200) throw new Error(`blocking reload answered ${res.status}`);
      text = await res.text();
    }
  }

  /** Media seconds listed within [from, to) (performance.now() instants). */
  mediaBetween(from: number, to: number): number {
    return this.parts.filter((p) => p.at >= from && p.at < to).reduce((s, p) => s + p.duration, 0);
  }

  /**
   * How much later than real time the parts in [from, to) were listed at the end of the window
   * than at its start (s): ~0 for a stream that keeps up, growing for one that falls behind.
   */
  lagGrowth(from: number, to: number): number {
    const inWindow = this.parts.filter((p) => p.at >= from && p.at < to);
    if (inWindow.length < 2) return Number.NaN;
    let media = 0;
    const lags = inWindow.map((p) => {
      media += p.duration;
      return (p.at - (inWindow[0] as CountedPart).at) / 1000 - media;
    });
    const k = Math.max(1, Math.floor(lags.length / 5));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return mean(lags.slice(-k)) - mean(lags.slice(0, k));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}

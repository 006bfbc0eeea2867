import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { backoffDelay, sleep, type Logger } from '@phzzk/kit';
import { type FfmpegProcess, RestartBackoff, spawnFfmpeg } from '@phzzk/media/ffmpeg';
import { FlvTagScanner } from '@phzzk/media/flv';
import { type Fmp4Event, Fmp4Parser, type Fragment } from '@phzzk/media/fmp4';
import type { LiveStream } from '@phzzk/media/hls';
import { JpegSplitter } from '@phzzk/media/jpeg';
import { FrameClock, PartTimeline } from '../domain/latency.ts';
import { openFlvSource } from './flv-source.ts';

export interface StreamRunnerEvents {
  /** An ffmpeg run that had produced output ended while the stream is live; a new one follows. */
  restarted(detail: { code: number | null; signal: string | null }): void;
  sourceFailed(error: Error): void;
  partLatency(rendition: string, ms: number): void;
  /** A JPEG of the stream (ffmpeg's thumbnail output), every few seconds. */
  thumbnail(jpeg: Buffer): void;
  /** The source stayed unreachable for giveUpAfterMs: the session is over as far as we can tell. */
  gaveUp(): void;
}

export interface StreamRunnerOptions {
  sourceUrl: string;
  ffmpegPath: string;
  /** ffmpeg's arguments for run n (1, 2, ...). */
  args: (run: number) => string[];
  /** Rendition of each ffmpeg output, in output order. */
  renditions: readonly string[];
  /** ffmpeg has a thumbnail output (JPEGs, image2pipe) after the renditions'. */
  thumbnails: boolean;
  stream: LiveStream;
  hasVideo: boolean;
  frameSeconds: number;
  sourceIdleMs: number;
  giveUpAfterMs: number;
  drainTimeoutMs: number;
  logger: Logger;
  events: StreamRunnerEvents;
}

type Timing = { trackId: number; timescale: number };

/** Restarts back off from ~250 ms to 5 s; a run of 10 s or more counts as healthy. */
const RESTARTS = { delayMs: (attempt: number) => backoffDelay(attempt, 250, 5000), stableRunMs: 10_000 };

/**
 * Supervises one stream's ffmpeg: pulls the HTTP-FLV source into its stdin, parses each fMP4
 * output into the LL-HLS packager, and when ffmpeg or the source dies while the stream is live,
 * starts again (with backoff) after marking a discontinuity.
 */
export class StreamRunner {
  private readonly o: StreamRunnerOptions;
  private readonly abort = new AbortController();
  private stopping: 'drain' | 'kill' | undefined;
  private current: { ffmpeg: FfmpegProcess; source: IncomingMessage } | undefined;
  private loop: Promise<void> | undefined;
  private clock = new FrameClock();
  private readonly timelines = new Map<string, PartTimeline>();
  private readonly timing = new Map<string, Timing>();
  private readonly unsubscribe: () => void;
  runs = 0;
  restarts = 0;

  constructor(options: StreamRunnerOptions) {
    this.o = options;
    for (const name of options.renditions) this.timelines.set(name, new PartTimeline());
    this.unsubscribe = options.stream.onPart((part) => {
      const endMs = this.timelines.get(part.rendition)?.partPublished(part.bytes.length);
      if (endMs === undefined) return;
      const entered = this.clock.enteredAt(endMs - options.frameSeconds * 1000);
      if (entered !== undefined) options.events.partLatency(part.rendition, performance.now() - entered);
    });
  }

  get ffmpegPid(): number | undefined {
    return this.current?.ffmpeg.pid;
  }

  start(): void {
    this.loop ??= this.run().catch((error) => this.o.logger.error({ err: error }, 'stream runner failed'));
  }

  /**
   * drain: end ffmpeg's input so it writes its last fragments, then wait for it (killed after
   * drainTimeoutMs). kill: SIGKILL at once (handover: the successor starts from the live source).
   */
  async stop(mode: 'drain' | 'kill'): Promise<void> {
    this.stopping ??= mode;
    this.abort.abort(); // also destroys the source request: ffmpeg's stdin then ends
    const ffmpeg = this.current?.ffmpeg;
    let timer: NodeJS.Timeout | undefined;
    if (ffmpeg) {
      if (mode === 'kill') ffmpeg.kill('SIGKILL');
      else timer = setTimeout(() => ffmpeg.kill('SIGKILL'), this.o.drainTimeoutMs);
    }
    await this.loop;
    clearTimeout(timer);
    this.unsubscribe();
  }

  private async run(): Promise<void> {
    const backoff = new RestartBackoff(RESTARTS);
    let lastAliveAt = Date.now();
    while (!this.stopping) {
      let source: IncomingMessage;
      try {
        source = await openFlvSource(this.o.sourceUrl, {
          signal: this.abort.signal,
          idleTimeoutMs: this.o.sourceIdleMs,
        });
      } catch (error) {
        if (this.stopping) break;
        this.o.events.sourceFailed(error as Error);
        if (Date.now() - lastAliveAt > this.o.giveUpAfterMs) {
          this.o.events.gaveUp();
          break;
        }
        await sleep(backoff.next(0), this.abort.signal);
        continue;
      }
      const startedAt = Date.now();
      const { produced, exit } = await this.runOnce(source);
      if (this.stopping) break;
      if (produced) {
        lastAliveAt = Date.now();
        // The next run is a new timeline: every rendition gets EXT-X-DISCONTINUITY and a new map.
        this.o.stream.discontinuity();
        this.restarts++;
        this.o.events.restarted(exit);
      } else if (Date.now() - lastAliveAt > this.o.giveUpAfterMs) {
        // The source answers but yields nothing playable, for as long as an unreachable one.
        this.o.events.gaveUp();
        break;
      }
      await sleep(backoff.next(Date.now() - startedAt), this.abort.signal);
    }
  }

  private async runOnce(
    source: IncomingMessage,
  ): Promise<{ produced: boolean; exit: { code: number | null; signal: string | null } }> {
    const o = this.o;
    this.runs++;
    const outputCount = o.renditions.length + (o.thumbnails ? 1 : 0);
    const ffmpeg = spawnFfmpeg(o.ffmpegPath, o.args(this.runs), { outputs: outputCount });
    this.current = { ffmpeg, source };
    const clock = new FrameClock();
    this.clock = clock;
    for (const timeline of this.timelines.values()) timeline.reset();

    // The source's end (or loss) is the input's end: ffmpeg then flushes and exits.
    source.on('error', () => {});
    source.once('close', () => ffmpeg.stdin.end());
    source.pipe(ffmpeg.stdin);
    const scanner = new FlvTagScanner();
    const frameKind = o.hasVideo ? 'video' : 'audio';
    source.on('data', (chunk: Buffer) => {
      const now = performance.now();
      for (const tag of scanner.push(chunk)) if (tag.kind === frameKind) clock.record(tag.timestamp, now);
    });

    let produced = false;
    const outputs = o.renditions.map((name, i) =>
      this.consume(name, ffmpeg.outputs[i]!, ffmpeg, () => {
        produced = true;
      }),
    );
    if (o.thumbnails) outputs.push(this.consumeThumbnails(ffmpeg.outputs[o.renditions.length]!));
    const exit = await ffmpeg.exited;
    await Promise.all(outputs);
    source.destroy();
    this.current = undefined;
    if (!this.stopping) {
      o.logger.warn(
        { code: exit.code, signal: exit.signal, stderr: ffmpeg.stderrTail().slice(-1500) },
        'ffmpeg exited while the stream is live',
      );
    }
    return { produced, exit };
  }

  /** Parses one output pipe into its rendition; resolves when the pipe closes. */
  private consume(name: string, output: Readable, ffmpeg: FfmpegProcess, onOutput: () => void): Promise<void> {
    const parser = new Fmp4Parser();
    let failed = false;
    const deliver = (events: Fmp4Event[]) => {
      for (const event of events) {
        this.push(name, event);
        onOutput();
      }
    };
    return new Promise((resolve) => {
      output.on('data', (chunk: Buffer) => {
        if (failed) return;
        try {
          deliver(parser.push(chunk));
        } catch (error) {
          // The parser cannot resynchronise: a fresh ffmpeg is the way back.
          failed = true;
          this.o.logger.error({ err: error, rendition: name }, 'bad fMP4 from ffmpeg; restarting it');
          ffmpeg.kill('SIGKILL');
        }
      });
      output.once('close', () => {
        if (!failed) {
          try {
            deliver(parser.end());
          } catch {
            // a truncated last box (ffmpeg killed) carries nothing complete
          }
        }
        resolve();
      });
    });
  }

  /** Cuts the thumbnail pipe into JPEGs; a broken picture stream only loses thumbnails. */
  private consumeThumbnails(output: Readable): Promise<void> {
    const splitter = new JpegSplitter();
    let failed = false;
    return new Promise((resolve) => {
      output.on('data', (chunk: Buffer) => {
        if (failed) return;
        try {
          for (const jpeg of splitter.push(chunk)) this.o.events.thumbnail(jpeg);
        } catch (error) {
          failed = true;
          this.o.logger.warn({ err: error }, 'bad thumbnail output from ffmpeg; thumbnails stop until its restart');
        }
      });
      output.once('close', () => resolve());
    });
  }

  private push(name: string, event: Fmp4Event): void {
    if (event.type === 'init') {
      const track = event.init.tracks.find((t) => t.kind === 'video') ?? event.init.tracks[0];
      if (track) this.timing.set(name, { trackId: track.id, timescale: track.timescale });
      this.o.stream.push(name, event);
      return;
    }
    const timeline = this.timelines.get(name)!;
    timeline.beforePush(event.fragment.size, this.fragmentTiming(name, event.fragment));
    try {
      this.o.stream.push(name, event);
    } finally {
      timeline.afterPush();
    }
  }

  private fragmentTiming(name: string, fragment: Fragment): { start: number; end: number } | undefined {
    const timing = this.timing.get(name);
    const track = timing && fragment.tracks.find((t) => t.trackId === timing.trackId);
    if (!timing || !track || track.baseMediaDecodeTime === undefined || !(timing.timescale > 0)) return undefined;
    const start = track.baseMediaDecodeTime / timing.timescale;
    return { start, end: start + track.duration / timing.timescale };
  }
}

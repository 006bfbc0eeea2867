import { spawn } from 'node:child_process';
import { Fmp4Parser, TrackKind } from '@phzzk/media/fmp4';
import { getBytes, getText, type MediaPlaylist, nextPart, type Part, parseMedia } from '../../test/support/hls.ts';

export interface PartRecord {
  msn: number;
  index: number;
  /** performance.now() when the (blocking) playlist that first listed the part arrived. */
  announcedAt: number;
  /** performance.now() when the part's last byte arrived. */
  downloadedAt: number;
  bytes: number;
  /** Video samples in the part (decoded frames map onto parts by these counts). */
  videoFrames: number;
}

/** A decoded frame: mean luma of an 8x8 area-scaled copy, and the part it came in. */
export interface DecodedFrame {
  luma: number;
  part: PartRecord;
}

const TILE = 8 * 8;

/**
 * Watches one LL-HLS rendition as a low-latency player does: blocking playlist reloads for the
 * next part (_HLS_msn/_HLS_part), every new part downloaded as soon as it is listed, and decoded
 * (from the first independent part on, one long-running ffmpeg fed init + parts) so that each
 * frame's brightness is known and attributed to the part that carried it.
 */
export class PartWatcher {
  readonly parts: PartRecord[] = [];
  readonly errors: string[] = [];
  private readonly lumas: number[] = [];
  private stopped = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private decoder: ReturnType<typeof spawn> | undefined;
  private decoderExit: Promise<void> | undefined;
  private readonly parser = new Fmp4Parser();
  private videoTracks = new Set<number>();
  private fed: Promise<void> = Promise.resolve();

  private readonly playlistUrl: string;

  constructor(playlistUrl: string) {
    this.playlistUrl = playlistUrl;
  }

  start(): void {
    this.loop = this.run().catch((e: Error) => {
      if (!this.stopped) this.errors.push(e.message);
    });
  }

  private base(uri: string): string {
    return new URL(uri, this.playlistUrl).toString();
  }

  private async run(): Promise<void> {
    let playlist = parseMedia((await getText(this.playlistUrl)).text);
    let last: Part | undefined;
    while (!this.stopped) {
      const announcedAt = performance.now();
      const fresh = playlist.parts.filter(
        (p) => !last || p.msn > last.msn || (p.msn === last.msn && p.index > last.index),
      );
      for (const part of fresh) this.take(playlist, part, announcedAt);
      last = fresh.at(-1) ?? last;
      if (playlist.ended) break;
      const next = nextPart(playlist);
      const res = await fetch(`${this.playlistUrl}?_HLS_msn=${next.msn}&_HLS_part=${next.part}`, {
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(15_000)]),
      });
      if (res.status !== 200) throw new Error(`blocking reload answered ${res.status}`);
      playlist = parseMedia(await res.text());
    }
  }

  /** Downloads parts in order (a chain), starting the decoder at the first independent one. */
  private take(playlist: MediaPlaylist, part: Part, announcedAt: number): void {
    if (!this.decoder && !part.independent) return;
    if (!this.decoder) this.startDecoder(playlist.map);
    this.fed = this.fed.then(async () => {
      if (this.stopped) return;
      const bytes = await getBytes(this.base(part.uri));
      const record: PartRecord = {
        msn: part.msn,
        index: part.index,
        announcedAt,
        downloadedAt: performance.now(),
        bytes: bytes.byteLength,
        videoFrames: this.videoSamples(bytes),
      };
      this.parts.push(record);
      this.decoder?.stdin?.write(bytes);
    });
    // One failed download is noted, and the chain goes on with the next part.
    this.fed = this.fed.catch((e: Error) => {
      this.errors.push(e.message);
    });
  }

  private startDecoder(mapUri: string | undefined): void {
    if (!mapUri) throw new Error('the playlist has no EXT-X-MAP');
    const decoder = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'mp4', '-i', 'pipe:0', '-map', '0:v:0'],
        ...['-vf', 'scale=8:8:flags=area,format=gray', '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1'],
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.decoder = decoder;
    decoder.stdin?.on('error', () => {});
    let pending = Buffer.alloc(0);
    decoder.stdout?.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= TILE) {
        let sum = 0;
        for (let i = 0; i < TILE; i++) sum += pending[i] as number;
        this.lumas.push(sum / TILE);
        pending = pending.subarray(TILE);
      }
    });
    let stderr = '';
    decoder.stderr?.on('data', (d) => (stderr += d));
    this.decoderExit = new Promise((resolve) =>
      decoder.once('exit', (code) => {
        if (code !== 0 && !this.stopped) this.errors.push(`decoder exited ${code}: ${stderr}`);
        resolve();
      }),
    );
    const init = getBytes(this.base(mapUri)).then((bytes) => {
      for (const event of this.parser.push(bytes)) {
        if (event.type === 'init') {
          this.videoTracks = new Set(event.init.tracks.filter((t) => t.kind === TrackKind.Video).map((t) => t.id));
        }
      }
      decoder.stdin?.write(bytes);
    });
    this.fed = this.fed.then(() => init);
  }

  private videoSamples(bytes: Uint8Array): number {
    let n = 0;
    for (const event of this.parser.push(bytes)) {
      if (event.type !== 'fragment') continue;
      for (const t of event.fragment.tracks) if (this.videoTracks.has(t.trackId)) n += t.sampleCount;
    }
    return n;
  }

  /** Stops watching, lets the decoder finish what it was given, and returns every decoded frame. */
  async stop(): Promise<DecodedFrame[]> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
    await this.fed.catch(() => {});
    this.decoder?.stdin?.end();
    const timer = setTimeout(() => this.decoder?.kill('SIGKILL'), 15_000);
    await this.decoderExit;
    clearTimeout(timer);
    const frames: DecodedFrame[] = [];
    for (const part of this.parts) {
      for (let i = 0; i < part.videoFrames; i++) {
        const luma = this.lumas[frames.length];
        if (luma === undefined) return frames;
        frames.push({ luma, part });
      }
    }
    if (this.lumas.length !== frames.length) {
      this.errors.push(`decoded ${this.lumas.length} frames, parts carried ${frames.length}`);
    }
    return frames;
  }
}

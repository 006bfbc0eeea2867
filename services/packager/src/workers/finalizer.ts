import { SEGMENT_INDEX, SESSION_MASTER, sessionStoragePaths } from '@phzzk/contracts';
import type { Logger } from '@phzzk/kit';
import type { MediaReader } from '../domain/media-reader.ts';
import type { MediaStorage, VodRow, VodStore } from '../domain/ports.ts';
import { capturesOnTimeline } from '../domain/storyboard.ts';
import { vodUrls } from '../domain/urls.ts';
import { durationOf } from '../domain/vod-playlists.ts';

const WAITING_POLL_MS = 40;

export interface FinalizerOptions {
  store: VodStore;
  storage: MediaStorage;
  reader: MediaReader;
  logger: Logger;
  /**
   * Without the transcoder's completion mark (its master playlist), the media counts as complete
   * once no index has changed for this long after the end (a transcoder that died).
   */
  settleMs: () => number;
  intervalMs: number;
  /** Called after a VOD became ready (kicks the outbox relay). */
  onFinalized: () => void;
}

/**
 * Turns ended broadcasts into final VODs. Any instance may do it: the end is a row (written by the
 * event handler of whichever instance consumed stream.ended) and the change `recording -> ready`
 * is one conditional update that queues vod.ready in the same transaction, so exactly one
 * instance publishes it, and a killed instance's work is simply done by the next round of another.
 */
export class Finalizer {
  private readonly o: FinalizerOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(options: FinalizerOptions) {
    this.o = options;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.o.intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((error) => this.o.logger.warn({ err: error }, 'finalizer round failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async round(): Promise<void> {
    let waiting = false;
    for (const vod of await this.o.store.ending(20)) {
      if (await this.complete(vod)) await this.finalize(vod);
      else waiting = true;
    }
    // A broadcast just ended and its transcoder is draining: look again soon (a stat per VOD), so
    // the VOD is ready within a few tens of milliseconds of the completion mark.
    if (waiting && this.timer) setTimeout(() => this.kick(), WAITING_POLL_MS).unref();
  }

  /** Whether the session's media is complete: the transcoder said so, or nothing moves any more. */
  private async complete(vod: VodRow): Promise<boolean> {
    const dir = sessionStoragePaths.session(vod.sessionId);
    if (await this.o.storage.stat(`${dir}/${SESSION_MASTER}`)) return true;
    const now = Date.now();
    const settle = this.o.settleMs();
    if (!vod.endedAt || now - vod.endedAt.getTime() < settle) return false;
    for (const rendition of await this.o.reader.renditions(dir)) {
      const stat = await this.o.storage.stat(`${dir}/${rendition}/${SEGMENT_INDEX}`);
      if (stat && now - stat.mtimeMs < settle) return false;
    }
    return true;
  }

  async finalize(vod: VodRow): Promise<void> {
    const dir = sessionStoragePaths.session(vod.sessionId);
    this.o.reader.forget(dir);
    const reference = await this.o.reader.reference(dir);
    if (!reference || reference.entries.length === 0) {
      // Nothing was recorded: never a VOD with a broken playlist.
      if (await this.o.store.finalize(vod.id, { status: 'failed' })) {
        this.o.logger.warn({ vodId: vod.id, sessionId: vod.sessionId }, 'broadcast left no segments: VOD failed');
      }
      return;
    }
    const durationSeconds = durationOf(reference.entries);
    const timeline = capturesOnTimeline(reference.entries, await this.o.reader.thumbnails(dir));
    // The VOD's picture: a frame from a little into the broadcast (past fade-ins and title cards).
    const wanted = Math.min(30, durationSeconds / 3);
    const chosen = timeline.reduce<[number, number] | undefined>(
      (best, c) => (!best || Math.abs(c[0] - wanted) < Math.abs(best[0] - wanted) ? c : best),
      undefined,
    );
    const done = await this.o.store.finalize(vod.id, {
      status: 'ready',
      durationSeconds,
      thumbnailMs: chosen?.[1] ?? null,
      playlistUrl: vodUrls.playlist(vod.id),
      thumbnailUrl: chosen ? vodUrls.thumbnail(vod.id) : null,
    });
    if (done) {
      this.o.logger.info({ vodId: vod.id, sessionId: vod.sessionId, durationSeconds }, 'VOD ready');
      this.o.onFinalized();
    }
  }
}

import { sessionStoragePaths, THUMBNAILS_DIR, thumbnailFileName } from '@phzzk/contracts';
import type { Logger } from '@phzzk/kit';
import type { MediaReader } from '../domain/media-reader.ts';
import type { MediaStorage, SpriteMaker, VodRow, VodStore } from '../domain/ports.ts';
import {
  capturesForTiles,
  capturesOnTimeline,
  sheetFileName,
  sheetLayout,
  sheetOf,
  tilesBefore,
} from '../domain/storyboard.ts';
import { packagerPaths } from '../domain/urls.ts';
import { durationOf } from '../domain/vod-playlists.ts';

export interface StoryboardBuilderOptions {
  store: VodStore;
  storage: MediaStorage;
  reader: MediaReader;
  sprites: SpriteMaker;
  logger: Logger;
  /** This instance, as the holder of storyboard leases. */
  worker: string;
  intervalMs: number;
  leaseMs: number;
  /** While live, a partial sheet is redrawn only once this many new tiles wait (bounded CPU). */
  minNewTiles: number;
}

/**
 * Builds each VOD's storyboard while its broadcast runs, from the live thumbnails: full sheets
 * once, the growing last sheet every `minNewTiles` tiles, and the remainder once the VOD is final.
 * A VOD is worked on by one instance at a time (a lease in its row); another takes over when the
 * holder stops renewing.
 */
export class StoryboardBuilder {
  private readonly o: StoryboardBuilderOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(options: StoryboardBuilderOptions) {
    this.o = options;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.o.intervalMs);
    this.timer.unref();
  }

  /**
   * Stops after the round in progress and hands this instance's leases back, so that a VOD whose
   * storyboard it was drawing waits for no lease to run out (`leaseMs`) before another takes it.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.o.store
      .releaseStoryboards(this.o.worker)
      .catch((error) => this.o.logger.warn({ err: error }, 'storyboard leases not released: they run out'));
  }

  kick(): Promise<void> {
    this.running ??= this.round()
      .catch((error) => this.o.logger.warn({ err: error }, 'storyboard round failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async round(): Promise<void> {
    for (const vod of await this.o.store.claimStoryboards(this.o.worker, this.o.leaseMs, 50)) {
      await this.build(vod);
    }
  }

  /** One step for one VOD; exposed for the benchmark, which drives it at broadcast pace. */
  async build(vod: VodRow): Promise<void> {
    const dir = sessionStoragePaths.session(vod.sessionId);
    const reference = await this.o.reader.reference(dir);
    const entries = reference?.entries ?? [];
    const final = vod.status !== 'recording';
    const timeline = capturesOnTimeline(entries, await this.o.reader.thumbnails(dir));
    const duration = durationOf(entries);
    if (!final && entries.length > 0) {
      await this.o.store.progress(vod.id, duration, timeline.at(-1)?.[1] ?? null);
    }
    const last = timeline.at(-1);
    if (!last) {
      if (final) await this.o.store.storyboardProgress(vod.id, this.o.worker, 0, true);
      return;
    }
    // Live: only tiles whose time a capture has reached; final: every tile of the media.
    const target = final ? tilesBefore(duration) : tilesBefore(last[0] + 1e-6);
    const built = vod.storyboardTiles;
    const grewEnough = target - built >= this.o.minNewTiles || sheetOf(target) > sheetOf(built);
    if (target > built && (final || grewEnough)) {
      const folder = packagerPaths.storyboard(vod.id);
      for (let sheet = sheetOf(built); sheet <= sheetOf(target - 1); sheet++) {
        const layout = sheetLayout(sheet, target);
        const captures = capturesForTiles(timeline, layout.first + layout.count, layout.first);
        const tiles = captures.map((ms) => `${dir}/${THUMBNAILS_DIR}/${thumbnailFileName(ms)}`);
        await this.o.sprites.makeSheet(tiles, layout, `${folder}/${sheetFileName(sheet, layout.count)}`);
        const before = sheetLayout(sheet, built);
        // The smaller version of a grown sheet: players holding the old storyboard get a 404 tile.
        if (before.count > 0 && before.count < layout.count) {
          await this.o.storage.remove(`${folder}/${sheetFileName(sheet, before.count)}`);
        }
      }
      await this.o.store.storyboardProgress(vod.id, this.o.worker, target, final);
      vod.storyboardTiles = target;
    } else if (final) {
      await this.o.store.storyboardProgress(vod.id, this.o.worker, built, true);
    }
  }
}

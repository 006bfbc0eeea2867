import type { Logger } from '@phzzk/kit';
import type { VodStore } from '../domain/ports.ts';
import type { Vods } from '../domain/vods.ts';

/**
 * Deletes VODs (and their media) that ended more than `retention-days` ago; 0 keeps everything.
 * Clips keep their own media and survive.
 */
export class RetentionSweeper {
  private readonly o: {
    store: VodStore;
    vods: Vods;
    logger: Logger;
    retentionDays: () => number;
    intervalMs: number;
  };
  private timer: NodeJS.Timeout | undefined;

  constructor(options: RetentionSweeper['o']) {
    this.o = options;
  }

  start(): void {
    this.timer = setInterval(
      () => void this.sweep().catch((e) => this.o.logger.warn({ err: e }, 'retention failed')),
      this.o.intervalMs,
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Returns how many VODs were deleted. */
  async sweep(): Promise<number> {
    const days = this.o.retentionDays();
    if (days <= 0) return 0;
    const before = new Date(Date.now() - days * 86_400_000);
    let deleted = 0;
    for (const vod of await this.o.store.expired(before, 100)) {
      if (await this.o.vods.remove(vod.id)) deleted++;
    }
    if (deleted > 0) this.o.logger.info({ deleted, retentionDays: days }, 'expired VODs deleted');
    return deleted;
  }
}

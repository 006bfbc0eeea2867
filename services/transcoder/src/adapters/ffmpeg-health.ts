import { checkFfmpeg } from '@phzzk/media/ffmpeg';

/** ffmpeg availability, checked at start and then every few minutes (not on every probe). */
export class FfmpegHealth {
  private readonly path: string;
  private result: { ok: boolean; detail: string } = { ok: false, detail: 'not checked yet' };
  private checkedAt = 0;
  private pending: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  async check(): Promise<{ ok: boolean; detail: string }> {
    if (Date.now() - this.checkedAt > 300_000 && !this.pending) {
      this.pending = checkFfmpeg(this.path).then((r) => {
        this.result = r;
        this.checkedAt = Date.now();
        this.pending = undefined;
      });
    }
    if (this.checkedAt === 0) await this.pending;
    return this.result;
  }
}

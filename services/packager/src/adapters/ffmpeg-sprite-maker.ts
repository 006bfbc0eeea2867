import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MediaStorage, SheetLayout, SpriteMaker } from '../domain/ports.ts';
import { runFfmpeg } from './ffmpeg-remuxer.ts';

/**
 * A sprite sheet from thumbnails with one ffmpeg: the concat demuxer reads the JPEGs in order,
 * each is scaled into its tile (letterboxed) and the tile filter lays them out row by row.
 * ffmpeg's own CPU time (-benchmark) is added up for the storyboard's cost figure.
 */
export class FfmpegSpriteMaker implements SpriteMaker {
  private readonly storage: MediaStorage;
  private readonly ffmpegPath: string;
  /** ffmpeg user + system CPU seconds spent on sheets so far. */
  cpuSeconds = 0;
  sheets = 0;

  constructor(options: { storage: MediaStorage; ffmpegPath: string }) {
    this.storage = options.storage;
    this.ffmpegPath = options.ffmpegPath;
  }

  async makeSheet(tiles: readonly string[], layout: SheetLayout, outputKey: string): Promise<void> {
    if (tiles.length === 0) throw new RangeError('a sheet needs at least one tile');
    const output = this.storage.localPath(outputKey);
    await mkdir(dirname(output), { recursive: true });
    const list = `${output}.list`;
    const tmp = `${output}.tmp.jpg`;
    const quote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;
    await writeFile(
      list,
      `ffconcat version 1.0\n${tiles.map((t) => `file ${quote(this.storage.localPath(t))}\n`).join('')}`,
    );
    const { tileWidth: w, tileHeight: h } = layout;
    try {
      const stderr = await runFfmpeg(
        this.ffmpegPath,
        [
          '-hide_banner',
          '-nostdin',
          '-y',
          '-benchmark',
          '-loglevel',
          'info',
          '-f',
          'concat',
          '-safe',
          '0',
          '-i',
          list,
          '-vf',
          `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,tile=${layout.columns}x${layout.rows}`,
          '-frames:v',
          '1',
          '-q:v',
          '5',
          '-f',
          'image2',
          tmp,
        ],
        60_000,
      );
      this.cpuSeconds += benchmarkCpu(stderr);
      this.sheets++;
      await rename(tmp, output);
    } finally {
      await rm(list, { force: true });
      await rm(tmp, { force: true });
    }
  }
}

/** user + sys seconds from ffmpeg's `-benchmark` line. */
export function benchmarkCpu(stderr: string): number {
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : 0;
}

// Media made by real encoders (ffmpeg), generated once per test file into a temp directory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSourceInputs, x264TestEncoder } from '../../ffmpeg/test-source.ts';
import { run } from './process.ts';

export class FixtureDir {
  readonly path = mkdtempSync(join(tmpdir(), 'phzzk-rtmp-'));

  file(name: string): string {
    return join(this.path, name);
  }

  /** Runs ffmpeg writing `name` (args: everything between -y and the output), returns the bytes. */
  async ffmpeg(name: string, args: string[], timeoutMs = 30_000): Promise<Buffer> {
    const out = this.file(name);
    const result = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, out], { timeoutMs });
    if (result.code !== 0) throw new Error(`ffmpeg failed for ${name}: ${result.stderr}`);
    return readFileSync(out);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** ffmpeg arguments for a small test picture + tone, H.264 + AAC, one key frame per second. */
export function avArgs(options: { size?: string; seconds?: number; rate?: number } = {}): string[] {
  const rate = options.rate ?? 30;
  return [
    ...testSourceInputs({ size: options.size ?? '320x180', rate }),
    ...x264TestEncoder(rate),
    ...['-c:a', 'aac', '-t', String(options.seconds ?? 1), '-f', 'flv'],
  ];
}

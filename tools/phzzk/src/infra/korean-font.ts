import { spawnSync } from 'node:child_process';
import { aptInstall, canInstallPackages } from './system-package.ts';
import type { Log } from './types.ts';

/** A Hangul font from Debian, 10 MB (Noto CJK is 56 MB). */
export const KOREAN_FONT_PACKAGE = 'fonts-nanum';

/** Whether fontconfig knows a font that covers Korean (Chromium on Linux finds fonts through it). */
export function hasKoreanFont(): boolean {
  const listed = spawnSync('fc-list', [':lang=ko', 'family'], { encoding: 'utf8' });
  return listed.status === 0 && listed.stdout.trim() !== '';
}

/**
 * The web app speaks Korean: without a Hangul font, Chromium draws its Korean pages as boxes (in
 * the browser tests' screenshots too). Installed beside Chromium when this process may; otherwise
 * a warning that names the package, since the pages still work.
 */
export async function ensureKoreanFont(log: Log): Promise<void> {
  if (hasKoreanFont()) return;
  if (!canInstallPackages()) {
    log(
      `no Korean font: Chromium shows Korean pages as boxes; install one with: sudo apt-get install -y ${KOREAN_FONT_PACKAGE}`,
    );
    return;
  }
  await aptInstall([KOREAN_FONT_PACKAGE], log);
  if (!hasKoreanFont()) log(`installed ${KOREAN_FONT_PACKAGE}, but fontconfig still lists no Korean font`);
}

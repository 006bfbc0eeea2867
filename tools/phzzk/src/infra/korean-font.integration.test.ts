import { describe, expect, it } from 'vitest';
import { ensureKoreanFont, hasKoreanFont } from './korean-font.ts';
import { canInstallPackages } from './system-package.ts';

describe('the Korean font beside Chromium', () => {
  it('is there afterwards (installed when missing), or the log names the package to install', async () => {
    const logged: string[] = [];
    await ensureKoreanFont((line) => logged.push(line));
    if (canInstallPackages()) expect(hasKoreanFont()).toBe(true);
    else expect(hasKoreanFont() || logged.some((l) => l.includes('apt-get install -y fonts-nanum'))).toBe(true);
  }, 600_000);
});

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What a production build of the web app depends on: its sources, its config, the lock file. */
export function sourceInputs(appDir: string, repoRoot: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      // The wrapper (main.ts, platform/) and the tests are not part of the Next build.
      if (path === join(appDir, 'src', 'platform') || path === join(appDir, 'src', 'main.ts')) continue;
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(join(appDir, 'src'));
  walk(join(appDir, 'public'));
  walk(join(repoRoot, 'packages', 'contracts', 'src'));
  for (const file of ['next.config.ts', 'package.json', 'tsconfig.json']) files.push(join(appDir, file));
  files.push(join(repoRoot, 'package-lock.json'));
  return files.filter((f) => existsSync(f) && statSync(f).isFile()).sort();
}

/** A hash of every input's path and content: equal hashes, same build. */
export function sourceHash(appDir: string, repoRoot: string): string {
  const hash = createHash('sha256');
  for (const file of sourceInputs(appDir, repoRoot)) {
    hash.update(relative(repoRoot, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

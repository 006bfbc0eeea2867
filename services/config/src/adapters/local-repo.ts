import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './git-command.ts';

/** Where `npm start` keeps the configuration repository the config server serves. */
export const localConfigRepoPath = (home: string): string => join(home, 'config-repo');

/**
 * Makes sure `<home>/config-repo` (home: PHZZK_HOME, default `<root>/.phzzk`) is a git repository: on first start it is created from
 * the tracked `config/` folder (git init + one commit on `main`). An existing repository is never
 * touched, so local edits and commits there survive restarts (delete the folder to start over).
 * Returns the repository path.
 */
export async function ensureLocalConfigRepo(root: string, home = join(root, '.phzzk')): Promise<string> {
  const repo = localConfigRepoPath(home);
  if (existsSync(join(repo, '.git')) || existsSync(join(repo, 'HEAD'))) return repo;
  if (existsSync(repo) && readdirSync(repo).length > 0) {
    throw new Error(`${repo} exists but is not a git repository; move it away or make it one`);
  }
  const seed = join(root, 'config');
  await mkdir(repo, { recursive: true });
  if (existsSync(seed)) await cp(seed, repo, { recursive: true });
  const timeoutMs = 30_000;
  const identity = ['-c', 'user.name=PHZZK', '-c', 'user.email=phzzk@localhost', '-c', 'commit.gpgsign=false'];
  await git(['init', '--quiet', '--initial-branch=main'], { cwd: repo, timeoutMs });
  await git(['add', '--all'], { cwd: repo, timeoutMs });
  await git([...identity, 'commit', '--quiet', '--allow-empty', '-m', 'Initial configuration from config/'], {
    cwd: repo,
    timeoutMs,
  });
  return repo;
}

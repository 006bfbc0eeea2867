import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const identity = ['-c', 'user.name=Test', '-c', 'user.email=test@localhost', '-c', 'commit.gpgsign=false'];

/** A real git repository in a temp folder, to serve configuration from. */
export class GitFixture {
  readonly dir: string;

  constructor(files: Record<string, string> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'phzzk-config-repo-'));
    this.git('init', '--quiet', '--initial-branch=main');
    this.commit(files, 'initial');
  }

  git(...args: string[]): string {
    return execFileSync('git', [...identity, ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    }).trim();
  }

  /** Writes (or, with null, deletes) files and commits them; returns the commit id. */
  commit(files: Record<string, string | null>, message = 'change'): string {
    for (const [path, text] of Object.entries(files)) {
      if (text === null) unlinkSync(join(this.dir, path));
      else writeFileSync(join(this.dir, path), text);
    }
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.head();
  }

  head(ref = 'HEAD'): string {
    return this.git('rev-parse', ref);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

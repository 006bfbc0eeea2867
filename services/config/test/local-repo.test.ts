import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalConfigRepo } from '../src/adapters/local-repo.ts';

describe('ensureLocalConfigRepo', () => {
  const root = mkdtempSync(join(tmpdir(), 'phzzk-root-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: join(root, '.phzzk', 'config-repo'), encoding: 'utf8' }).trim();

  it('creates a git repository from config/ on first start and never overwrites it', async () => {
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'config', 'application.yml'), 'a: 1\n');
    writeFileSync(join(root, 'config', 'gateway.yml'), 'b: 2\n');
    const repo = await ensureLocalConfigRepo(root);
    expect(repo).toBe(join(root, '.phzzk', 'config-repo'));
    expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git('ls-files').split('\n').sort()).toEqual(['application.yml', 'gateway.yml']);
    expect(git('status', '--porcelain')).toBe('');
    const first = git('rev-parse', 'HEAD');

    // A local edit (committed or not) survives: the repository is left as it is.
    writeFileSync(join(repo, 'application.yml'), 'a: local\n');
    writeFileSync(join(root, 'config', 'application.yml'), 'a: changed upstream\n');
    await ensureLocalConfigRepo(root);
    expect(git('rev-parse', 'HEAD')).toBe(first);
    expect(readFileSync(join(repo, 'application.yml'), 'utf8')).toBe('a: local\n');
  });

  it('refuses to take over a folder that is not a repository', async () => {
    const other = mkdtempSync(join(tmpdir(), 'phzzk-root-'));
    mkdirSync(join(other, '.phzzk', 'config-repo'), { recursive: true });
    writeFileSync(join(other, '.phzzk', 'config-repo', 'keep.txt'), 'mine');
    await expect(ensureLocalConfigRepo(other)).rejects.toThrow(/not a git repository/);
    rmSync(other, { recursive: true, force: true });
  });
});

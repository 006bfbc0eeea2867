import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { GitPort } from '../domain/ports.ts';
import { git, gitWithInput } from './git-command.ts';

export interface GitMirrorOptions {
  /** Anything `git clone` accepts: a path, file://, https://, ssh://, user@host:path. */
  uri: string;
  /** Where the mirror lives; a fresh temporary folder (removed on close) when not given. */
  basedir?: string;
  timeoutMs: number;
}

/** A relative path is taken from the working directory, as git itself would. */
export function cloneSource(uri: string): string {
  const looksRemote = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) || /^[^/\\]+@[^/\\]+:/.test(uri);
  return looksRemote || isAbsolute(uri) ? uri : resolve(uri);
}

/**
 * A bare mirror (`git clone --mirror`) of the configuration repository. Every branch and tag is
 * fetched, so any label can be served from it; files are read from commits, never checked out.
 */
export class GitMirror implements GitPort {
  private readonly source: string;
  private readonly options: GitMirrorOptions;
  private dir: string | undefined;
  private temporary = false;
  private fetching: Promise<void> | undefined;
  private originChecked = false;

  constructor(options: GitMirrorOptions) {
    this.options = options;
    this.source = cloneSource(options.uri);
  }

  async remoteRefs(): Promise<string> {
    const out = await git(['ls-remote', '--heads', '--tags', '--', this.source], { timeoutMs: this.options.timeoutMs });
    return createHash('sha256').update(out).digest('hex');
  }

  /** One fetch at a time: git takes ref locks, and two fetches would trip over each other. */
  fetch(): Promise<void> {
    this.fetching ??= this.fetchNow().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async fetchNow(): Promise<void> {
    const dir = await this.mirrorDir();
    const timeoutMs = this.options.timeoutMs;
    if (!existsSync(join(dir, 'HEAD'))) {
      await git(['clone', '--mirror', '--quiet', '--', this.source, dir], { timeoutMs });
      this.originChecked = true;
      return;
    }
    if (!this.originChecked) {
      // A kept mirror (basedir) may have been cloned from an older URI.
      await git(['remote', 'set-url', 'origin', this.source], { cwd: dir, timeoutMs });
      this.originChecked = true;
    }
    await git(['fetch', '--prune', '--quiet', 'origin'], { cwd: dir, timeoutMs });
  }

  async resolve(label: string): Promise<string | null> {
    if (!this.dir || !existsSync(join(this.dir, 'HEAD'))) return null;
    try {
      const out = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${label}^{commit}`], {
        cwd: this.dir,
        timeoutMs: this.options.timeoutMs,
      });
      const commit = out.toString().trim();
      return /^[0-9a-f]{40,64}$/.test(commit) ? commit : null;
    } catch {
      return null;
    }
  }

  async listFiles(commit: string): Promise<{ path: string; blob: string; size: number }[]> {
    const out = await git(['ls-tree', '-z', '-l', commit], {
      cwd: this.requireDir(),
      timeoutMs: this.options.timeoutMs,
    });
    const files: { path: string; blob: string; size: number }[] = [];
    for (const line of out.toString('utf8').split('\0')) {
      // <mode> SP <type> SP <object> SP+ <size> TAB <path>
      const m = /^\d+ blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(line);
      if (m) files.push({ blob: m[1] as string, size: Number(m[2]), path: m[3] as string });
    }
    return files;
  }

  async readBlobs(blobs: string[]): Promise<Map<string, Buffer>> {
    const result = new Map<string, Buffer>();
    if (blobs.length === 0) return result;
    const out = await gitWithInput(['cat-file', '--batch'], `${blobs.join('\n')}\n`, {
      cwd: this.requireDir(),
      timeoutMs: this.options.timeoutMs,
    });
    // Each answer: "<id> blob <size>\n<bytes>\n" (or "<id> missing\n").
    let at = 0;
    while (at < out.length) {
      const eol = out.indexOf(0x0a, at);
      if (eol < 0) break;
      const header = out.subarray(at, eol).toString();
      const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
      if (!m) {
        at = eol + 1;
        continue;
      }
      const size = Number(m[3]);
      result.set(m[1] as string, out.subarray(eol + 1, eol + 1 + size));
      at = eol + 1 + size + 1;
    }
    return result;
  }

  async changedFiles(from: string, to: string): Promise<string[]> {
    const out = await git(['diff', '--name-only', '-z', '--no-renames', from, to, '--'], {
      cwd: this.requireDir(),
      timeoutMs: this.options.timeoutMs,
    });
    return out.toString('utf8').split('\0').filter(Boolean);
  }

  async close(): Promise<void> {
    await this.fetching?.catch(() => {});
    if (this.temporary && this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private requireDir(): string {
    if (!this.dir) throw new Error('the configuration repository has not been fetched yet');
    return this.dir;
  }

  private async mirrorDir(): Promise<string> {
    if (this.dir) return this.dir;
    if (this.options.basedir) {
      const hash = createHash('sha256').update(this.source).digest('hex').slice(0, 16);
      this.dir = join(resolve(this.options.basedir), hash);
      await mkdir(this.options.basedir, { recursive: true });
    } else {
      this.dir = await mkdtemp(join(tmpdir(), 'phzzk-config-mirror-'));
      this.temporary = true;
    }
    return this.dir;
  }
}

import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import type { FileStat, MediaStorage } from '../domain/ports.ts';

/** MediaStorage on a local (or network-mounted, shared) filesystem under `storage.root`. */
export class LocalMediaStorage implements MediaStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  localPath(key: string): string {
    const path = resolve(join(this.root, key));
    // Keys are built from checked ids and names; this is the last line all the same.
    if (path !== this.root && !path.startsWith(this.root + sep)) throw new RangeError(`key outside storage: ${key}`);
    return path;
  }

  async stat(key: string): Promise<FileStat | undefined> {
    try {
      const s = await stat(this.localPath(key));
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async readText(key: string): Promise<string | undefined> {
    const bytes = await this.readBytes(key);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  }

  async readBytes(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.localPath(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  stream(key: string, range?: { start: number; end: number }): NodeJS.ReadableStream {
    return createReadStream(this.localPath(key), range ? { start: range.start, end: range.end } : {});
  }

  async list(dir: string): Promise<string[]> {
    try {
      return await readdir(this.localPath(dir));
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  async write(key: string, data: Uint8Array | string): Promise<void> {
    const path = this.localPath(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  async link(from: string, to: string): Promise<void> {
    const target = this.localPath(to);
    await mkdir(dirname(target), { recursive: true });
    try {
      await link(this.localPath(from), target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      // Another filesystem or one without hard links: a copy owns the bytes just as well.
      if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP') await copyFile(this.localPath(from), target);
      else throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.localPath(key), { recursive: true, force: true });
  }
}

const isMissing = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

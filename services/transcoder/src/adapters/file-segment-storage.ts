import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@phzzk/kit';
import type { SegmentStorage } from '../domain/ports.ts';
import {
  formatSegmentIndexLine,
  parseSegmentIndex,
  RENDITION_PLAYLIST,
  SEGMENT_INDEX,
  SESSION_MASTER,
  type SessionSegmentEntry,
  THUMBNAILS_DIR,
  thumbnailFileName,
} from '@phzzk/contracts';
import { renderVodPlaylist } from '../domain/vod-playlist.ts';

/**
 * Keeps a session's media for VOD under `<root>/sessions/<sessionId>/<rendition>/`: init segments,
 * complete segments, and an append-only index that a successor instance continues after a
 * takeover; thumbnails under `<root>/sessions/<sessionId>/thumbnails/<epochMs>.jpg`. When the stream ends, the index becomes a VOD playlist (EXT-X-ENDLIST).
 */
export class FileSegmentStorage implements SegmentStorage {
  readonly sessionDir: string;
  private readonly logger: Logger;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly ready = new Map<string, Promise<void>>();
  failures = 0;

  constructor(options: { root: string; sessionId: string; logger: Logger }) {
    this.sessionDir = join(options.root, 'sessions', options.sessionId);
    this.logger = options.logger;
  }

  renditionDir(rendition: string): string {
    return join(this.sessionDir, rendition);
  }

  writeInit(rendition: string, uri: string, bytes: Uint8Array): void {
    this.enqueue(rendition, () => writeFile(join(this.renditionDir(rendition), uri), bytes));
  }

  /** A thumbnail of the stream, named by the wall-clock ms it is written at. */
  writeThumbnail(epochMs: number, bytes: Uint8Array): void {
    this.enqueue(THUMBNAILS_DIR, () =>
      writeFile(join(this.renditionDir(THUMBNAILS_DIR), thumbnailFileName(epochMs)), bytes),
    );
  }

  writeSegment(rendition: string, entry: SessionSegmentEntry, bytes: Uint8Array): void {
    const dir = this.renditionDir(rendition);
    this.enqueue(rendition, async () => {
      await writeFile(join(dir, entry.uri), bytes);
      // After the file: the index never names a segment that is not on disk.
      await appendFile(join(dir, SEGMENT_INDEX), formatSegmentIndexLine(entry));
    });
  }

  /** Resolves once everything queued so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  /** Writes every rendition's VOD playlist from its index (this instance's and predecessors'). */
  async finish(renditions: readonly string[], master: string | undefined): Promise<void> {
    await this.flush();
    for (const rendition of renditions) {
      const dir = this.renditionDir(rendition);
      const index = await readFile(join(dir, SEGMENT_INDEX), 'utf8').catch(() => '');
      const entries = parseSegmentIndex(index);
      if (entries.length === 0) continue;
      await writeAtomically(join(dir, RENDITION_PLAYLIST), renderVodPlaylist(entries));
    }
    if (master) await writeAtomically(join(this.sessionDir, SESSION_MASTER), master);
  }

  private enqueue(rendition: string, work: () => Promise<unknown>): void {
    let ready = this.ready.get(rendition);
    if (!ready) {
      ready = mkdir(this.renditionDir(rendition), { recursive: true }).then(() => {});
      this.ready.set(rendition, ready);
    }
    const previous = this.queues.get(rendition) ?? ready;
    const next = previous
      .then(work)
      .then(() => {})
      .catch((error: unknown) => {
        // Losing VOD media must not stop the live stream; it is counted and logged.
        this.failures++;
        this.logger.error({ err: error, rendition }, 'segment storage write failed');
      });
    this.queues.set(rendition, next);
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

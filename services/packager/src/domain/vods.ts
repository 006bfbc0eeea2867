import { sessionStoragePaths, type Vod, type VodPage, type VodVisibility } from '@phzzk/contracts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { badCursor, notOwner, vodNotFound } from './errors.ts';
import type { MediaReader } from './media-reader.ts';
import type { ChannelOwners, MediaStorage, VodRow, VodStore } from './ports.ts';
import { cleanTitle } from './titles.ts';
import { durationOf } from './vod-playlists.ts';
import { packagerPaths, vodUrls } from './urls.ts';

export interface VodsDeps {
  store: VodStore;
  owners: ChannelOwners;
  storage: MediaStorage;
  reader: MediaReader;
  now: () => Date;
  /** Called after a change queued an event (kicks the outbox relay). */
  onEvent: () => void;
}

/** The VOD API: read (anyone; unlisted ones listed to the owner only), edit and delete (owner). */
export class Vods {
  private readonly d: VodsDeps;

  constructor(deps: VodsDeps) {
    this.d = deps;
  }

  async get(id: string): Promise<Vod> {
    const row = await this.d.store.get(id);
    if (!row) throw vodNotFound();
    return this.present(row);
  }

  async list(
    query: { channelId: string; cursor?: string; limit?: number },
    callerId: string | undefined,
  ): Promise<VodPage> {
    const limit = query.limit ?? 20;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) throw badCursor();
    // Who owns the channel only widens the list: when it cannot be asked, the public list it is.
    const owner =
      callerId === undefined ? undefined : await this.d.owners.ownerOf(query.channelId).catch(() => undefined);
    const includeUnlisted = owner !== undefined && owner === callerId;
    const rows = await this.d.store.list(query.channelId, includeUnlisted, { cursor, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await Promise.all(page.map((row) => this.present(row))),
      nextCursor: rows.length > limit && last ? encodeCursor(last.startedAt, last.id) : null,
    };
  }

  async update(id: string, callerId: string, change: { title?: string; visibility?: VodVisibility }): Promise<Vod> {
    const clean = change.title === undefined ? change : { ...change, title: cleanTitle(change.title) };
    await this.ownedRow(id, callerId);
    const row = await this.d.store.update(id, clean);
    if (!row) throw vodNotFound();
    return this.present(row);
  }

  async delete(id: string, callerId: string): Promise<void> {
    await this.ownedRow(id, callerId);
    await this.remove(id);
  }

  /** Deletes a VOD and its media (the API for its owner, retention for expired ones). */
  async remove(id: string): Promise<boolean> {
    const row = await this.d.store.delete(id, this.d.now());
    if (!row) return false;
    this.d.onEvent();
    // After the commit: a crash in between leaves files no row names, never a row without files.
    const dir = sessionStoragePaths.session(row.sessionId);
    this.d.reader.forget(dir);
    await this.d.storage.remove(dir);
    await this.d.storage.remove(packagerPaths.vod(row.id));
    return true;
  }

  private async ownedRow(id: string, callerId: string): Promise<VodRow> {
    const row = await this.d.store.get(id);
    if (!row) throw vodNotFound();
    if ((await this.d.owners.ownerOf(row.channelId)) !== callerId) throw notOwner();
    return row;
  }

  async present(row: VodRow): Promise<Vod> {
    let durationSeconds = row.durationSeconds;
    let hasThumbnail = row.thumbnailMs !== null;
    if (row.status === 'recording') {
      // Live figures: what the segment index says now (a stat per call, parsed only when it grew).
      const dir = sessionStoragePaths.session(row.sessionId);
      const reference = await this.d.reader.reference(dir);
      durationSeconds = reference ? durationOf(reference.entries) : 0;
      hasThumbnail = (await this.d.reader.thumbnails(dir)).length > 0;
    }
    return {
      id: row.id,
      channelId: row.channelId,
      sessionId: row.sessionId,
      title: row.title,
      visibility: row.visibility,
      status: row.status,
      startedAt: row.startedAt.toISOString(),
      endedAt: row.status === 'recording' || !row.endedAt ? null : row.endedAt.toISOString(),
      durationSeconds,
      playlistUrl: vodUrls.playlist(row.id),
      thumbnailUrl: hasThumbnail ? vodUrls.thumbnail(row.id) : null,
      storyboardUrl: row.storyboardTiles > 0 ? vodUrls.storyboard(row.id) : null,
    };
  }
}

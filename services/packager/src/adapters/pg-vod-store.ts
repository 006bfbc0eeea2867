import { type Database, enqueueOutboxEvent, withTransaction } from '@phzzk/kit';
import { v7 as uuidv7 } from 'uuid';
import type { FinalOutcome, PageRequest, VodRow, VodStore } from '../domain/ports.ts';

type Row = {
  id: string;
  channel_id: string;
  session_id: string;
  title: string;
  visibility: VodRow['visibility'];
  status: VodRow['status'];
  started_at: Date;
  ended_at: Date | null;
  duration_seconds: number;
  thumbnail_ms: string | null;
  storyboard_tiles: number;
  storyboard_done: boolean;
};

const COLUMNS = `id, channel_id, session_id, title, visibility, status, started_at, ended_at, duration_seconds,
  thumbnail_ms, storyboard_tiles, storyboard_done`;

const toVod = (r: Row): VodRow => ({
  id: r.id,
  channelId: r.channel_id,
  sessionId: r.session_id,
  title: r.title,
  visibility: r.visibility,
  status: r.status,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  durationSeconds: r.duration_seconds,
  thumbnailMs: r.thumbnail_ms === null ? null : Number(r.thumbnail_ms),
  storyboardTiles: r.storyboard_tiles,
  storyboardDone: r.storyboard_done,
});

export class PgVodStore implements VodStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async get(id: string): Promise<VodRow | undefined> {
    const { rows } = await this.db.query<Row>(`select ${COLUMNS} from vods where id = $1`, [id]);
    return rows[0] && toVod(rows[0]);
  }

  async recordingOf(channelId: string): Promise<VodRow | undefined> {
    const { rows } = await this.db.query<Row>(
      `select ${COLUMNS} from vods where channel_id = $1 and status = 'recording' and ended_at is null
       order by started_at desc limit 1`,
      [channelId],
    );
    return rows[0] && toVod(rows[0]);
  }

  async list(channelId: string, includeUnlisted: boolean, page: PageRequest): Promise<VodRow[]> {
    const { rows } = await this.db.query<Row>(
      `select ${COLUMNS} from vods
       where channel_id = $1 and status <> 'failed' and ($2 or visibility = 'public')
         and ($3::timestamptz is null or (started_at, id) < ($3, $4::uuid))
       order by started_at desc, id desc limit $5`,
      [channelId, includeUnlisted, page.cursor?.at ?? null, page.cursor?.id ?? null, page.limit],
    );
    return rows.map(toVod);
  }

  async update(id: string, change: { title?: string; visibility?: VodRow['visibility'] }): Promise<VodRow | undefined> {
    const { rows } = await this.db.query<Row>(
      `update vods set title = coalesce($2, title), visibility = coalesce($3, visibility) where id = $1
       returning ${COLUMNS}`,
      [id, change.title ?? null, change.visibility ?? null],
    );
    return rows[0] && toVod(rows[0]);
  }

  delete(id: string, deletedAt: Date): Promise<VodRow | undefined> {
    return withTransaction(this.db, async (client) => {
      const { rows } = await client.query<Row>(`delete from vods where id = $1 returning ${COLUMNS}`, [id]);
      const row = rows[0] && toVod(rows[0]);
      if (row) {
        await enqueueOutboxEvent(client, 'vod.deleted', uuidv7(), {
          vodId: row.id,
          channelId: row.channelId,
          sessionId: row.sessionId,
          deletedAt: deletedAt.toISOString(),
        });
      }
      return row;
    });
  }

  async ending(limit: number): Promise<VodRow[]> {
    const { rows } = await this.db.query<Row>(
      `select ${COLUMNS} from vods where status = 'recording' and ended_at is not null order by ended_at limit $1`,
      [limit],
    );
    return rows.map(toVod);
  }

  finalize(id: string, outcome: FinalOutcome): Promise<boolean> {
    return withTransaction(this.db, async (client) => {
      if (outcome.status === 'failed') {
        const { rowCount } = await client.query(
          `update vods set status = 'failed', ready_at = now(), storyboard_done = true
           where id = $1 and status = 'recording'`,
          [id],
        );
        return rowCount === 1;
      }
      const { rows } = await client.query<Row>(
        `update vods set status = 'ready', ready_at = now(), duration_seconds = $2, thumbnail_ms = $3
         where id = $1 and status = 'recording' returning ${COLUMNS}`,
        [id, outcome.durationSeconds, outcome.thumbnailMs],
      );
      const row = rows[0];
      if (!row) return false; // another instance finalized it first: it also queued vod.ready
      await enqueueOutboxEvent(client, 'vod.ready', uuidv7(), {
        vodId: row.id,
        channelId: row.channel_id,
        sessionId: row.session_id,
        durationSeconds: outcome.durationSeconds,
        playlistUrl: outcome.playlistUrl,
        thumbnailUrl: outcome.thumbnailUrl,
      });
      return true;
    });
  }

  async progress(id: string, durationSeconds: number, thumbnailMs: number | null): Promise<void> {
    await this.db.query(
      `update vods set duration_seconds = $2, thumbnail_ms = coalesce($3, thumbnail_ms)
       where id = $1 and status = 'recording'`,
      [id, durationSeconds, thumbnailMs],
    );
  }

  async claimStoryboards(worker: string, leaseMs: number, limit: number): Promise<VodRow[]> {
    const { rows } = await this.db.query<Row>(
      `update vods set storyboard_worker = $1, storyboard_lease_until = now() + ($2 || ' milliseconds')::interval
       where id in (
         select id from vods
         where storyboard_done = false and status <> 'failed'
           and (storyboard_worker = $1 or storyboard_lease_until is null or storyboard_lease_until < now())
         -- Ended broadcasts first (their last sheet is what their viewers are waiting for, however
         -- many broadcasts are live), then the longest-waiting: every VOD gets its turn.
         order by status = 'recording', storyboard_lease_until nulls first limit $3 for update skip locked)
       returning ${COLUMNS}`,
      [worker, String(leaseMs), limit],
    );
    return rows.map(toVod);
  }

  async storyboardProgress(id: string, worker: string, tiles: number, done: boolean): Promise<void> {
    await this.db.query(
      `update vods set storyboard_tiles = $3, storyboard_done = $4 where id = $1 and storyboard_worker = $2`,
      [id, worker, tiles, done],
    );
  }

  async releaseStoryboards(worker: string): Promise<void> {
    await this.db.query(
      `update vods set storyboard_lease_until = null
        where storyboard_worker = $1 and storyboard_done = false`,
      [worker],
    );
  }

  async expired(before: Date, limit: number): Promise<VodRow[]> {
    const { rows } = await this.db.query<Row>(
      `select ${COLUMNS} from vods where status <> 'recording' and ready_at < $1 order by ready_at limit $2`,
      [before, limit],
    );
    return rows.map(toVod);
  }
}

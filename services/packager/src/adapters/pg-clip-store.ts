import type { Database } from '@phzzk/kit';
import type { ClipRow, ClipStore, PageRequest } from '../domain/ports.ts';

type Row = {
  id: string;
  channel_id: string;
  vod_id: string | null;
  session_id: string;
  title: string;
  created_by: string;
  created_at: Date;
  start_seconds: number;
  duration_seconds: number;
};

const COLUMNS = 'id, channel_id, vod_id, session_id, title, created_by, created_at, start_seconds, duration_seconds';

const toClip = (r: Row): ClipRow => ({
  id: r.id,
  channelId: r.channel_id,
  vodId: r.vod_id,
  sessionId: r.session_id,
  title: r.title,
  createdBy: r.created_by,
  createdAt: r.created_at,
  startSeconds: r.start_seconds,
  durationSeconds: r.duration_seconds,
});

export class PgClipStore implements ClipStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async insert(clip: ClipRow): Promise<void> {
    await this.db.query(
      `insert into clips (id, channel_id, vod_id, session_id, title, created_by, created_at, start_seconds, duration_seconds)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        clip.id,
        clip.channelId,
        clip.vodId,
        clip.sessionId,
        clip.title,
        clip.createdBy,
        clip.createdAt,
        clip.startSeconds,
        clip.durationSeconds,
      ],
    );
  }

  async get(id: string): Promise<ClipRow | undefined> {
    const { rows } = await this.db.query<Row>(`select ${COLUMNS} from clips where id = $1`, [id]);
    return rows[0] && toClip(rows[0]);
  }

  async list(channelId: string, page: PageRequest): Promise<ClipRow[]> {
    const { rows } = await this.db.query<Row>(
      `select ${COLUMNS} from clips
       where channel_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
       order by created_at desc, id desc limit $4`,
      [channelId, page.cursor?.at ?? null, page.cursor?.id ?? null, page.limit],
    );
    return rows.map(toClip);
  }
}

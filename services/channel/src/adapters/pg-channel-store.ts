import { type Database, enqueueOutboxEvent, withTransaction } from '@phzzk/kit';
import { v7 as uuidv7 } from 'uuid';
import { type ChannelProfile, type ChannelPatch, channelUpdatedData } from '../domain/channel.ts';
import type { Cursor, DirectoryFilter } from '../domain/directory.ts';
import { KEY_ROTATED } from '../domain/live-session.ts';
import type { ChannelRecord, ChannelStore, DirectoryRow, IssuedStreamKey } from '../domain/ports.ts';
import { CHANNEL_COLUMNS, CHANNEL_WITH_LIVE, type ChannelRow, IS_LIVE, toChannel, toRecord } from './channel-rows.ts';

const PATCHABLE = ['title', 'category', 'tags', 'description'] as const;

export class PgChannelStore implements ChannelStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  private async one(where: string, params: unknown[]): Promise<ChannelRecord | undefined> {
    const { rows } = await this.db.query<ChannelRow>(
      `select ${CHANNEL_COLUMNS} from ${CHANNEL_WITH_LIVE} where ${where}`,
      params,
    );
    return rows[0] && toRecord(rows[0]);
  }

  findById(id: string) {
    return this.one('c.id = $1', [id]);
  }

  findByOwner(ownerId: string) {
    return this.one('c.owner_id = $1', [ownerId]);
  }

  update(ownerId: string, patch: ChannelPatch): Promise<ChannelProfile | undefined> {
    const params: unknown[] = [ownerId];
    const sets = ['updated_at = now()'];
    for (const field of PATCHABLE) {
      if (patch[field] === undefined) continue;
      params.push(patch[field]);
      sets.push(`${field} = $${params.length}`);
    }
    return withTransaction(this.db, async (client) => {
      const { rows } = await client.query<ChannelRow>(
        `update channels set ${sets.join(', ')} where owner_id = $1 returning *`,
        params,
      );
      const channel = rows[0] && toChannel(rows[0]);
      if (channel) await enqueueOutboxEvent(client, 'channel.updated', uuidv7(), channelUpdatedData(channel));
      return channel;
    });
  }

  async streamKeyOf(channelId: string) {
    const { rows } = await this.db.query<{ key_digest: Buffer; key_sealed: Buffer }>(
      'select key_digest, key_sealed from stream_keys where channel_id = $1',
      [channelId],
    );
    return rows[0] && { digest: rows[0].key_digest, sealed: rows[0].key_sealed };
  }

  rotateStreamKey(ownerId: string, issue: (channelId: string) => IssuedStreamKey) {
    return withTransaction(this.db, async (client) => {
      // The row lock orders concurrent rotations of one channel: the last one's key wins, whole.
      const { rows } = await client.query<{ id: string }>('select id from channels where owner_id = $1 for update', [
        ownerId,
      ]);
      const channelId = rows[0]?.id;
      if (!channelId) return undefined;
      const issued = issue(channelId);
      await client.query(
        `insert into stream_keys (channel_id, key_digest, key_sealed) values ($1, $2, $3)
         on conflict (channel_id) do update set key_digest = $2, key_sealed = $3, created_at = now()`,
        [channelId, issued.digest, issued.sealed],
      );
      // The session published with the old key ends now; the ingest node kicks its publisher on
      // stream-key.rotated and its stream.ended then finds the session ended already.
      const ended = await client.query(
        `update live_sessions s set ended_at = greatest(now(), s.started_at), end_reason = $2
         where s.channel_id = $1 and ${IS_LIVE}`,
        [channelId, KEY_ROTATED],
      );
      await enqueueOutboxEvent(client, 'stream-key.rotated', uuidv7(), {
        channelId,
        rotatedAt: new Date().toISOString(),
      });
      return { channelId, key: issued.key, endedSession: (ended.rowCount ?? 0) > 0 };
    });
  }

  async follow(channelId: string, userId: string): Promise<number> {
    // One statement: the count moves only when the follow row really appeared.
    const { rows } = await this.db.query<{ follower_count: number }>(
      `with added as (insert into follows (channel_id, user_id) values ($1, $2) on conflict do nothing returning 1)
       update channels set follower_count = follower_count + (select count(*) from added)::int
       where id = $1 returning follower_count`,
      [channelId, userId],
    );
    return rows[0]?.follower_count ?? 0;
  }

  async unfollow(channelId: string, userId: string): Promise<number> {
    const { rows } = await this.db.query<{ follower_count: number }>(
      `with removed as (delete from follows where channel_id = $1 and user_id = $2 returning 1)
       update channels set follower_count = follower_count - (select count(*) from removed)::int
       where id = $1 returning follower_count`,
      [channelId, userId],
    );
    return rows[0]?.follower_count ?? 0;
  }

  async isFollowing(channelId: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('select 1 from follows where channel_id = $1 and user_id = $2', [
      channelId,
      userId,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async followedSince(channelId: string, userId: string): Promise<Date | undefined> {
    const { rows } = await this.db.query<{ created_at: Date }>(
      'select created_at from follows where channel_id = $1 and user_id = $2',
      [channelId, userId],
    );
    return rows[0]?.created_at;
  }

  async liveSessionOf(channelId: string) {
    const record = await this.findById(channelId);
    return { exists: record !== undefined, live: record?.live };
  }

  async list(
    filter: DirectoryFilter,
    cursor: Cursor | undefined,
    limit: number,
    viewers: ReadonlyMap<string, number> = new Map(),
    followedBy?: string,
  ): Promise<DirectoryRow[]> {
    const params: unknown[] = [limit];
    const where: string[] = [];
    const followed = () => {
      params.push(followedBy);
      where.push(`exists (select 1 from follows f where f.channel_id = c.id and f.user_id = $${params.length}::uuid)`);
    };
    let sql: string;
    if (filter === 'live') {
      // The caching service's counts, joined in as arrays: the order and the keyset stay in SQL.
      params.push([...viewers.keys()], [...viewers.values()]);
      const count = 'coalesce(v.viewers, 0)';
      if (cursor?.filter === 'live') {
        params.push(cursor.viewers, cursor.startedAt, cursor.channelId);
        where.push(`(${count}, s.started_at, s.channel_id) < ($4, $5::timestamptz, $6::uuid)`);
      }
      if (followedBy) followed();
      sql = `select ${CHANNEL_COLUMNS} from live_sessions s join channels c on c.id = s.channel_id
             left join unnest($2::uuid[], $3::int[]) as v(channel_id, viewers) on v.channel_id = s.channel_id
             where ${[IS_LIVE, ...where].join(' and ')}
             order by ${count} desc, s.started_at desc, s.channel_id desc limit $1`;
    } else {
      if (filter === 'offline') where.push('s.id is null');
      if (cursor) {
        params.push(cursor.channelId);
        where.push('c.id < $2::uuid');
      }
      if (followedBy) followed();
      sql = `select ${CHANNEL_COLUMNS} from ${CHANNEL_WITH_LIVE}
             ${where.length ? `where ${where.join(' and ')}` : ''} order by c.id desc limit $1`;
    }
    const { rows } = await this.db.query<ChannelRow>(sql, params);
    return rows.map(toRecord);
  }
}

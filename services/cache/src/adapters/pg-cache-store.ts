import type { ChatMessageView, ChatReplayItem, StatsSample } from '@phzzk/contracts';
import type { Database } from '@phzzk/kit';
import type { CacheStore, LiveSession, StatsStore, TickResult } from '../domain/ports.ts';
import { MESSAGE_COLUMNS, type MessageRow, messageView } from './message-rows.ts';

interface SessionRow {
  session_id: string;
  channel_id: string;
  started_at: Date;
  ended_at: Date | null;
  peak_viewers: number;
}

const session = (r: SessionRow): LiveSession => ({
  sessionId: r.session_id,
  channelId: r.channel_id,
  startedAt: r.started_at,
  endedAt: r.ended_at ?? undefined,
  peakViewers: r.peak_viewers,
});

/** The reads of PostgreSQL: history below the cache, replays, sessions and their samples. */
export class PgCacheStore implements CacheStore, StatsStore {
  private readonly db: Database;
  constructor(db: Database) {
    this.db = db;
  }

  async messagesBefore(channelId: string, before: number | undefined, limit: number): Promise<ChatMessageView[]> {
    const { rows } = await this.db.query<MessageRow>(
      `select ${MESSAGE_COLUMNS} from messages
        where channel_id = $1 and seq < $2 and deleted_at is null
        order by seq desc limit $3`,
      [channelId, before ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.reverse().map(messageView);
  }

  async replay(s: LiveSession, fromSeconds: number, toSeconds: number, limit: number): Promise<ChatReplayItem[]> {
    const from = new Date(s.startedAt.getTime() + fromSeconds * 1000);
    const to = new Date(s.startedAt.getTime() + toSeconds * 1000);
    const { rows } = await this.db.query<MessageRow>(
      `select ${MESSAGE_COLUMNS} from messages
        where channel_id = $1 and sent_at >= $2 and sent_at < $3 and deleted_at is null
        order by sent_at, seq limit $4`,
      [s.channelId, from, to, limit],
    );
    return rows.map((r) => ({
      ...messageView(r),
      offsetSeconds: Math.max(0, (r.sent_at.getTime() - s.startedAt.getTime()) / 1000),
    }));
  }

  async session(channelId: string, sessionId: string): Promise<LiveSession | undefined> {
    const { rows } = await this.db.query<SessionRow>(
      'select * from live_sessions where session_id = $1 and channel_id = $2',
      [sessionId, channelId],
    );
    return rows[0] && session(rows[0]);
  }

  async liveness(channelId: string): Promise<{ known: boolean; live: LiveSession | undefined }> {
    const { rows } = await this.db.query<SessionRow & { known: boolean }>(
      `select k.channel_id is not null as known, s.*
         from (select 1) one
         left join known_channels k on k.channel_id = $1
         left join lateral (select * from live_sessions where channel_id = $1 and ended_at is null
                            order by started_at desc limit 1) s on true`,
      [channelId],
    );
    const row = rows[0]!;
    return { known: row.known, live: row.session_id ? session(row) : undefined };
  }

  async rememberChannel(channelId: string): Promise<void> {
    await this.db.query('insert into known_channels (channel_id) values ($1) on conflict do nothing', [channelId]);
  }

  async liveSessions(): Promise<LiveSession[]> {
    const { rows } = await this.db.query<SessionRow>('select * from live_sessions where ended_at is null');
    return rows.map(session);
  }

  /** Senders and messages of the last minutes, to refill the counters after Redis lost them. */
  async recentActivity(
    channelIds: string[],
    since: Date,
  ): Promise<{ channel_id: string; message_id: string; user_id: string; sent_at: Date }[]> {
    if (channelIds.length === 0) return [];
    const { rows } = await this.db.query(
      `select channel_id, message_id, user_id, sent_at from messages
        where channel_id = any($1::uuid[]) and sent_at >= $2`,
      [channelIds, since],
    );
    return rows;
  }

  async samples(sessionId: string): Promise<StatsSample[]> {
    const { rows } = await this.db.query<{ minute: Date; viewers: number; chatters: number; messages: number }>(
      'select minute, viewers, chatters, messages from stats_samples where session_id = $1 order by minute',
      [sessionId],
    );
    return rows.map((r) => ({
      minute: r.minute.toISOString(),
      viewers: r.viewers,
      chatters: r.chatters,
      messages: r.messages,
    }));
  }

  async writeSamples(samples: (TickResult & { minute: Date })[]): Promise<void> {
    if (samples.length === 0) return;
    // Every instance ticks: the highest figure any of them saw for the minute wins.
    await this.db.query(
      `with s as (
         select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::int[], $5::int[], $6::int[], $7::int[])
           as s(session_id, channel_id, minute, viewers, chatters, messages, peak)),
       samples as (
         insert into stats_samples (session_id, channel_id, minute, viewers, chatters, messages)
         select session_id, channel_id, minute, viewers, chatters, messages from s
         on conflict (session_id, minute) do update set
           viewers = greatest(stats_samples.viewers, excluded.viewers),
           chatters = greatest(stats_samples.chatters, excluded.chatters),
           messages = greatest(stats_samples.messages, excluded.messages))
       update live_sessions l set peak_viewers = greatest(l.peak_viewers, s.peak)
         from s where l.session_id = s.session_id`,
      [
        samples.map((x) => x.sessionId),
        samples.map((x) => x.channelId),
        samples.map((x) => x.minute),
        samples.map((x) => x.viewers),
        samples.map((x) => x.chatters),
        samples.map((x) => x.minuteMessages),
        samples.map((x) => x.peak),
      ],
    );
  }

  async pruneMessages(before: Date, batchSize: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `delete from messages where message_id in
         (select message_id from messages where sent_at < $1 limit $2)`,
      [before, batchSize],
    );
    return rowCount ?? 0;
  }
}

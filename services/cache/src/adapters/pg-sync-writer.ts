import type { ChatJoin, ChatLeave, ChatMessage, ChatMessageView, ChatSettings, ChatTimeout } from '@phzzk/contracts';
import type { PoolClient } from 'pg';
import { type Database, withTransaction } from '@phzzk/kit';
import type { SyncBatch, SyncResult, SyncWriter } from '../domain/ports.ts';
import { planPresence, type SessionClose, type SessionOpen } from '../domain/presence-sessions.ts';
import { MESSAGE_COLUMNS, type MessageRow, messageView } from './message-rows.ts';

type Data<E> = E extends { data: infer D } ? D : never;
type Moderation = SyncBatch['moderation'][number];

/**
 * Writes a batch in one transaction with one multi-row statement per table (`unnest` of arrays:
 * a single round trip whatever the batch size). Every write is idempotent by event or message id,
 * so a batch redelivered after a crash changes nothing.
 */
export class PgSyncWriter implements SyncWriter {
  private readonly db: Database;
  constructor(db: Database) {
    this.db = db;
  }

  async write(batch: SyncBatch): Promise<SyncResult> {
    return withTransaction(this.db, async (tx) => {
      const result: SyncResult = { served: new Map(), removed: new Map(), inserted: new Set() };
      if (batch.channels.length > 0) {
        await tx.query('insert into known_channels (channel_id) select unnest($1::uuid[]) on conflict do nothing', [
          [...new Set(batch.channels)],
        ]);
      }
      if (batch.started.length > 0) {
        const s = batch.started.map((e) => e.data);
        await tx.query(
          `insert into live_sessions (session_id, channel_id, started_at)
           select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) on conflict do nothing`,
          [s.map((d) => d.sessionId), s.map((d) => d.channelId), s.map((d) => d.startedAt)],
        );
      }
      for (const e of batch.ended) {
        await tx.query(
          `update live_sessions set ended_at = coalesce(ended_at, $2), peak_viewers = greatest(peak_viewers, $3)
            where session_id = $1`,
          [e.data.sessionId, e.data.endedAt, batch.peaks.get(e.data.sessionId) ?? 0],
        );
      }
      if (batch.messages.length > 0) {
        const m = batch.messages.map((e) => e.data);
        const { rows } = await tx.query<{ message_id: string }>(
          `insert into messages (message_id, channel_id, seq, user_id, nickname, role, text, sent_at)
           select * from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
           on conflict do nothing returning message_id`,
          [
            m.map((d) => d.messageId),
            m.map((d) => d.channelId),
            m.map((d) => d.seq),
            m.map((d) => d.user.id),
            m.map((d) => d.user.nickname),
            m.map((d) => d.user.role),
            m.map((d) => d.text),
            m.map((d) => d.sentAt),
          ],
        );
        for (const r of rows) result.inserted.add(r.message_id);
      }
      if (batch.deleted.length > 0) {
        const d = batch.deleted.map((e) => e.data);
        const { rows } = await tx.query<{ channel_id: string; seq: string }>(
          `update messages m set deleted_at = coalesce(m.deleted_at, x.at)
             from unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) as x(message_id, channel_id, at)
            where m.message_id = x.message_id and m.channel_id = x.channel_id
            returning m.channel_id, m.seq`,
          [d.map((x) => x.messageId), d.map((x) => x.channelId), d.map((x) => x.deletedAt)],
        );
        for (const r of rows) push(result.removed, r.channel_id, Number(r.seq));
      }
      for (const e of batch.cleared) {
        await tx.query(
          'update messages set deleted_at = $3 where channel_id = $1 and seq < $2 and deleted_at is null',
          [e.data.channelId, e.data.seq, e.data.clearedAt],
        );
      }
      if (batch.moderation.length > 0) await this.writeModeration(tx, batch.moderation);
      if (batch.presence.length > 0) await this.writePresence(tx, batch.presence);
      if (batch.messages.length > 0) {
        // What to serve: when every message was new and nothing in the batch deleted any, exactly the
        // batch's messages as inserted; otherwise (a redelivery, a deletion or clear) what PostgreSQL
        // still serves, re-read in this transaction.
        if (
          result.inserted.size === batch.messages.length &&
          batch.deleted.length === 0 &&
          batch.cleared.length === 0
        ) {
          const inserted = batch.messages.map((e) => e.data).sort((a, b) => a.seq - b.seq);
          for (const d of inserted) push(result.served, d.channelId, insertedView(d));
        } else {
          const { rows } = await tx.query<MessageRow & { channel_id: string }>(
            `select channel_id, ${MESSAGE_COLUMNS} from messages
              where message_id = any($1::uuid[]) and deleted_at is null order by seq`,
            [batch.messages.map((e) => e.data.messageId)],
          );
          for (const r of rows) push(result.served, r.channel_id, messageView(r));
        }
      }
      return result;
    });
  }

  private async writeModeration(tx: PoolClient, events: Moderation[]): Promise<void> {
    const col = <T>(f: (e: Moderation) => T) => events.map(f);
    const data = (e: Moderation) => e.data as Partial<Data<ChatTimeout>> & Partial<Data<ChatSettings>>;
    await tx.query(
      `insert into moderation_actions (event_id, channel_id, seq, action, user_id, moderator_id, at, until, reason, settings)
       select * from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::uuid[], $6::uuid[],
                            $7::timestamptz[], $8::timestamptz[], $9::text[], $10::jsonb[])
       on conflict do nothing`,
      [
        col((e) => e.id),
        col((e) => e.data.channelId),
        col((e) => e.data.seq),
        col((e) => e.type),
        col((e) => data(e).userId ?? null),
        col((e) => data(e).moderatorId ?? null),
        col((e) => data(e).at ?? e.occurredAt),
        col((e) => data(e).until ?? null),
        col((e) => data(e).reason ?? null),
        col((e) => (data(e).settings ? JSON.stringify(data(e).settings) : null)),
      ],
    );
  }

  /** Joins and leaves as four set-wide statements (see planPresence), whatever their number. */
  private async writePresence(tx: PoolClient, events: (ChatJoin | ChatLeave)[]): Promise<void> {
    const plan = planPresence(events);
    const close = async (closes: SessionClose[]) => {
      if (closes.length === 0) return;
      await tx.query(
        `update presence_sessions p set left_at = x.left_at
           from unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[]) as x(channel_id, node, user_id, left_at)
          where p.channel_id = x.channel_id and p.node = x.node and p.user_id = x.user_id
            and p.left_at is null and p.joined_at <= x.left_at`,
        [
          closes.map((c) => c.channelId),
          closes.map((c) => c.node),
          closes.map((c) => c.userId),
          closes.map((c) => c.leftAt),
        ],
      );
    };
    const columns = (opens: (SessionOpen & { leftAt?: string | null })[]) => [
      opens.map((o) => o.joinEventId),
      opens.map((o) => o.channelId),
      opens.map((o) => o.node),
      opens.map((o) => o.userId),
      opens.map((o) => o.nickname),
      opens.map((o) => o.role),
      opens.map((o) => o.joinedAt),
      opens.map((o) => o.leftAt ?? null),
    ];
    const insert = `insert into presence_sessions (join_event_id, channel_id, node, user_id, nickname, role, joined_at, left_at)
      select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
        as x(join_event_id, channel_id, node, user_id, nickname, role, joined_at, left_at)`;
    await close(plan.closeStored);
    if (plan.openUnlessOpen.length > 0) {
      await tx.query(
        `${insert}
          where not exists (select 1 from presence_sessions p where p.channel_id = x.channel_id and p.node = x.node
                               and p.user_id = x.user_id and p.left_at is null)
         on conflict do nothing`,
        columns(plan.openUnlessOpen),
      );
    }
    await close(plan.closeAfterOpen);
    if (plan.sessions.length > 0) await tx.query(`${insert} on conflict do nothing`, columns(plan.sessions));
  }
}

/** A message as the row just inserted from it serves it (the same view messageView gives of the row). */
function insertedView(d: ChatMessage['data']): ChatMessageView {
  return {
    seq: d.seq,
    messageId: d.messageId,
    user: { id: d.user.id, nickname: d.user.nickname, role: d.user.role },
    text: d.text,
    sentAt: canonicalTime(d.sentAt),
  };
}

/** toISOString()'s own form, as chat writes it: kept as it is (re-formatting 5,000 dates a batch shows in profiles). */
const ISO_UTC_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The time as PostgreSQL would serve it back: UTC, milliseconds, `Z`. */
function canonicalTime(at: string): string {
  return ISO_UTC_MILLIS.test(at) ? at : new Date(at).toISOString();
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

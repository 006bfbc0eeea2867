import { Topics } from '@phzzk/contracts';
import { type Database, type Logger, type Subscription, subscribe } from '@phzzk/kit';
import type { ChannelInfo } from './channel-owner-client.ts';

export interface PackagerEventHandlerDeps {
  db: Database;
  /** Best-effort channel facts for a new VOD's title. */
  channelInfo: (channelId: string) => Promise<ChannelInfo | undefined>;
  newId: () => string;
  logger: Logger;
  /** A broadcast ended: its VOD waits to be finalized. */
  onEnded: () => void;
}

/**
 * channel.events -> VOD rows. Every write is an idempotent upsert keyed by the session, so a
 * redelivered event (after a rebalance, another instance) or one that arrives out of order changes
 * nothing more. The finalizing itself is left to the finalizer: whichever instance is alive does it.
 */
export function packagerEventSubscription(deps: PackagerEventHandlerDeps): Subscription {
  const { db } = deps;
  return subscribe(Topics.channelEvents, {
    on: {
      'stream.started': async ({ data }) => {
        const known = await db.query<{ title: string | null }>('select title from channels where channel_id = $1', [
          data.channelId,
        ]);
        let title = known.rows[0]?.title ?? undefined;
        if (!title) title = (await deps.channelInfo(data.channelId))?.title || undefined;
        title ??= `Live broadcast of ${data.startedAt.slice(0, 10)}`;
        await db.query(
          `insert into vods (id, channel_id, session_id, title, started_at) values ($1, $2, $3, $4, $5)
           on conflict (session_id) do update set started_at = least(vods.started_at, excluded.started_at)`,
          [deps.newId(), data.channelId, data.sessionId, title.slice(0, 140), data.startedAt],
        );
        if ((await endSupersededRecordings(db, data.channelId, data.sessionId, data.startedAt)) > 0) deps.onEnded();
      },
      'stream.ended': async ({ data }) => {
        // An end without a start (out of order): the row exists already, and the start only widens it.
        await db.query(
          `insert into vods (id, channel_id, session_id, title, started_at, ended_at) values ($1, $2, $3, $4, $5, $5)
           on conflict (session_id) do update set ended_at = coalesce(vods.ended_at, excluded.ended_at)`,
          [
            deps.newId(),
            data.channelId,
            data.sessionId,
            `Live broadcast of ${data.endedAt.slice(0, 10)}`,
            data.endedAt,
          ],
        );
        deps.onEnded();
      },
      'channel.updated': async ({ data }) => {
        await db.query(
          `insert into channels (channel_id, title) values ($1, $2)
           on conflict (channel_id) do update set title = excluded.title, updated_at = now()`,
          [data.channelId, data.title || null],
        );
      },
    },
    ignore: ['stream-key.rotated'],
  });
}

/**
 * A channel broadcasts one session at a time, so a start ends what its ingest never ended (a
 * crashed ingest, a lost stream.ended), as the channel service does: the channel's older open
 * recordings end at this start, and this session, if a newer one started already (events out of
 * order), ends at that newer start. Without it such a VOD would stay `recording` for good. The
 * finalizer then does the rest: ready with what was recorded, or failed without media.
 * Returns how many recordings it ended.
 */
async function endSupersededRecordings(
  db: Database,
  channelId: string,
  sessionId: string,
  startedAt: string,
): Promise<number> {
  const older = await db.query(
    `update vods set ended_at = $3
      where channel_id = $1 and session_id <> $2 and status = 'recording' and ended_at is null and started_at < $3`,
    [channelId, sessionId, startedAt],
  );
  const late = await db.query(
    `update vods set ended_at = newer.started_at
       from (select min(started_at) as started_at from vods where channel_id = $1 and started_at > $3) newer
      where session_id = $2 and status = 'recording' and ended_at is null and newer.started_at is not null`,
    [channelId, sessionId, startedAt],
  );
  return (older.rowCount ?? 0) + (late.rowCount ?? 0);
}

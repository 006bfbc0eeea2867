import type { StreamEnded, StreamStarted, UserRegistered, UserUpdated } from '@phzzk/contracts';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { defaultTitle } from '../domain/channel.ts';
import { decideEnd, decideStart, type SessionState, SUPERSEDED } from '../domain/live-session.ts';
import type { IssuedStreamKey } from '../domain/ports.ts';
import { IS_LIVE } from './channel-rows.ts';

// The effects of consumed events, each run inside the transaction that records the event as
// processed (kit processOnce): a redelivered event is never applied twice.

/** user.registered: the user's channel and its first stream key. Returns the channel id when created. */
export async function createChannel(
  client: PoolClient,
  user: UserRegistered['data'],
  issue: (channelId: string) => IssuedStreamKey,
): Promise<string | undefined> {
  const { rows } = await client.query<{ id: string }>(
    `insert into channels (id, owner_id, owner_nickname, title) values ($1, $2, $3, $4)
     on conflict (owner_id) do nothing returning id`,
    [uuidv7(), user.userId, user.nickname, defaultTitle(user.nickname)],
  );
  const channelId = rows[0]?.id;
  if (!channelId) return undefined; // the owner has a channel already
  const key = issue(channelId);
  await client.query('insert into stream_keys (channel_id, key_digest, key_sealed) values ($1, $2, $3)', [
    channelId,
    key.digest,
    key.sealed,
  ]);
  return channelId;
}

/** user.updated: the directory's copy of the owner's nickname. Returns whether it changed. */
export async function renameOwner(client: PoolClient, user: UserUpdated['data']): Promise<boolean> {
  if (user.nickname === undefined) return false;
  const { rowCount } = await client.query(
    'update channels set owner_nickname = $2, updated_at = now() where owner_id = $1 and owner_nickname <> $2',
    [user.userId, user.nickname],
  );
  return (rowCount ?? 0) > 0;
}

export type LiveChange = 'unknown-channel' | 'unchanged' | 'changed';

async function lockChannel(client: PoolClient, channelId: string): Promise<boolean> {
  // Serializes the session events of one channel even across a consumer-group rebalance.
  const { rowCount } = await client.query('select 1 from channels where id = $1 for update', [channelId]);
  return (rowCount ?? 0) > 0;
}

type SessionRow = { id: string; started_at: Date | null; ended_at: Date | null };
const toState = (r: SessionRow | undefined): SessionState | undefined =>
  r && { id: r.id, startedAt: r.started_at, endedAt: r.ended_at };

async function sessionById(client: PoolClient, sessionId: string, channelId: string) {
  const { rows } = await client.query<SessionRow>(
    'select id, started_at, ended_at from live_sessions where id = $1 and channel_id = $2',
    [sessionId, channelId],
  );
  return toState(rows[0]);
}

export async function applyStreamStarted(client: PoolClient, data: StreamStarted['data']): Promise<LiveChange> {
  if (!(await lockChannel(client, data.channelId))) return 'unknown-channel';
  const startedAt = new Date(data.startedAt);
  const existing = await sessionById(client, data.sessionId, data.channelId);
  const { rows } = await client.query<SessionRow>(
    `select s.id, s.started_at, s.ended_at from live_sessions s where s.channel_id = $1 and ${IS_LIVE}`,
    [data.channelId],
  );
  const decision = decideStart(existing, toState(rows[0]), startedAt);
  const details = [
    data.ingestNode,
    data.sourceUrl,
    data.video && JSON.stringify(data.video),
    data.audio && JSON.stringify(data.audio),
    data.bitrateKbps,
    startedAt,
  ];
  switch (decision.kind) {
    case 'duplicate':
      return 'unchanged';
    case 'record-ended':
      await client.query(
        `update live_sessions set ingest_node = $2, source_url = $3, video = $4, audio = $5, bitrate_kbps = $6,
           started_at = $7, ended_at = greatest(ended_at, $7) where id = $1`,
        [data.sessionId, ...details],
      );
      return 'unchanged';
    case 'record-superseded':
      await client.query(
        `insert into live_sessions (id, channel_id, ingest_node, source_url, video, audio, bitrate_kbps, started_at,
           ended_at, end_reason) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [data.sessionId, data.channelId, ...details, decision.endedAt, SUPERSEDED],
      );
      return 'unchanged';
    case 'go-live':
      if (decision.supersede) {
        await client.query(
          'update live_sessions set ended_at = greatest($2, started_at), end_reason = $3 where id = $1',
          [decision.supersede, startedAt, SUPERSEDED],
        );
      }
      await client.query(
        `insert into live_sessions (id, channel_id, ingest_node, source_url, video, audio, bitrate_kbps, started_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [data.sessionId, data.channelId, ...details],
      );
      return 'changed';
  }
}

export async function applyStreamEnded(client: PoolClient, data: StreamEnded['data']): Promise<LiveChange> {
  if (!(await lockChannel(client, data.channelId))) return 'unknown-channel';
  const endedAt = new Date(data.endedAt);
  const decision = decideEnd(await sessionById(client, data.sessionId, data.channelId));
  switch (decision.kind) {
    case 'ignore':
      return 'unchanged';
    case 'remember-end':
      await client.query('insert into live_sessions (id, channel_id, ended_at, end_reason) values ($1, $2, $3, $4)', [
        data.sessionId,
        data.channelId,
        endedAt,
        data.reason,
      ]);
      return 'unchanged';
    case 'end':
      await client.query(
        'update live_sessions set ended_at = greatest($2, started_at), end_reason = $3 where id = $1',
        [data.sessionId, endedAt, data.reason],
      );
      return 'changed';
  }
}

import { fileURLToPath } from 'node:url';
import type { ChatJoin, ChatLeave, ChatMessage } from '@phzzk/contracts';
import { createDatabase, type Database, loadMigrations, migrate } from '@phzzk/kit';
import { freshSchema, testInfra } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncBatch } from '../domain/ports.ts';
import { PgSyncWriter } from './pg-sync-writer.ts';

let db: Database;
let schema: ReturnType<typeof freshSchema>;
let writer: PgSyncWriter;

beforeAll(async () => {
  const infra = await testInfra();
  schema = freshSchema(infra.databaseUrl, 'cache_writer');
  db = createDatabase({ url: infra.databaseUrl, schema: schema.name, poolSize: 2 });
  await migrate(db, schema.name, await loadMigrations(fileURLToPath(new URL('../../migrations/', import.meta.url))));
  writer = new PgSyncWriter(db);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await schema?.drop();
});

const empty = (): SyncBatch => ({
  started: [],
  ended: [],
  channels: [],
  messages: [],
  deleted: [],
  cleared: [],
  moderation: [],
  presence: [],
  peaks: new Map(),
});
const base = { occurredAt: new Date().toISOString(), producer: 'chat' };
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const join = (channelId: string, node: string, userId: string, at: string, nickname = 'alice'): ChatJoin => ({
  ...base,
  id: uuidv7(),
  type: 'join',
  data: { channelId, node, member: { userId, nickname, role: 'viewer' }, at },
});
const leave = (channelId: string, node: string, userId: string, at: string): ChatLeave => ({
  ...base,
  id: uuidv7(),
  type: 'leave',
  data: { channelId, node, userId, at },
});

/** The visits as PostgreSQL holds them, counted with plain SQL. */
const visits = async (channelId: string) =>
  (
    await db.query<{ node: string; user_id: string; joined_at: Date; left_at: Date | null }>(
      'select node, user_id, joined_at, left_at from presence_sessions where channel_id = $1 order by joined_at, node',
      [channelId],
    )
  ).rows.map((r) => ({
    node: r.node,
    user: r.user_id,
    joined: r.joined_at.toISOString(),
    left: r.left_at?.toISOString() ?? null,
  }));

describe('PgSyncWriter: presence sessions', () => {
  it('stores visits (user, channel, joined and left times) in batches, idempotent on redelivery', async () => {
    const channelId = uuidv7();
    const [alice, bob, carol] = [uuidv7(), uuidv7(), uuidv7()];
    const first = {
      ...empty(),
      presence: [
        join(channelId, 'a', alice, t(1)),
        join(channelId, 'a', bob, t(2), 'bob'),
        join(channelId, 'a', alice, t(3)), // the same visit: the first join is kept
        leave(channelId, 'a', alice, t(4)),
        join(channelId, 'a', alice, t(5)), // a second visit, still open at the batch's end
        join(channelId, 'b', carol, t(6), 'carol'),
      ],
    };
    await writer.write(first);
    const after = [
      { node: 'a', user: alice, joined: t(1), left: t(4) },
      { node: 'a', user: bob, joined: t(2), left: null },
      { node: 'a', user: alice, joined: t(5), left: null },
      { node: 'b', user: carol, joined: t(6), left: null },
    ];
    expect(await visits(channelId)).toEqual(after);
    // The same batch again (a crash before the offset commit): nothing changes.
    await writer.write(first);
    expect(await visits(channelId)).toEqual(after);

    // The next batch closes visits PostgreSQL holds open and starts new ones.
    const second = {
      ...empty(),
      presence: [
        leave(channelId, 'a', bob, t(7)),
        leave(channelId, 'a', alice, t(8)),
        join(channelId, 'b', carol, t(9), 'carol'), // still the open visit on node b
        join(channelId, 'a', bob, t(10), 'bob'),
        leave(channelId, 'a', bob, t(11)),
        leave(channelId, 'c', carol, t(12)), // a leave for a node it never joined: nothing
      ],
    };
    await writer.write(second);
    await writer.write(second);
    expect(await visits(channelId)).toEqual([
      { node: 'a', user: alice, joined: t(1), left: t(4) },
      { node: 'a', user: bob, joined: t(2), left: t(7) },
      { node: 'a', user: alice, joined: t(5), left: t(8) },
      { node: 'b', user: carol, joined: t(6), left: null },
      { node: 'a', user: bob, joined: t(10), left: t(11) },
    ]);
  });

  it('writes a large presence batch in a few statements', async () => {
    const channelId = uuidv7();
    const users = Array.from({ length: 2000 }, () => uuidv7());
    const batch = {
      ...empty(),
      presence: [
        ...users.map((u, i) => join(channelId, `n${i % 4}`, u, t(1))),
        ...users.slice(0, 1000).map((u, i) => leave(channelId, `n${i % 4}`, u, t(2))),
      ],
    };
    let statements = 0;
    const counting = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== 'connect') return Reflect.get(target, prop, receiver);
        return async () => {
          const client = await target.connect();
          const original = client.query.bind(client);
          client.query = ((...args: Parameters<typeof original>) => {
            statements++;
            return original(...args);
          }) as typeof client.query;
          return client;
        };
      },
    });
    await new PgSyncWriter(counting).write(batch);
    // begin, close, open, close, commit: the batch's size does not matter.
    expect(statements).toBeLessThanOrEqual(6);
    const [row] = (
      await db.query<{ open: string; closed: string }>(
        `select count(*) filter (where left_at is null) as open, count(*) filter (where left_at is not null) as closed
           from presence_sessions where channel_id = $1`,
        [channelId],
      )
    ).rows;
    expect({ open: Number(row!.open), closed: Number(row!.closed) }).toEqual({ open: 1000, closed: 1000 });
  });
});

describe('PgSyncWriter: messages', () => {
  const message = (channelId: string, seq: number): ChatMessage => ({
    ...base,
    id: uuidv7(),
    type: 'chat.message',
    data: {
      channelId,
      seq,
      messageId: uuidv7(),
      user: { id: uuidv7(), nickname: 'n', role: 'viewer' },
      text: `m${seq}`,
      sentAt: t(seq),
    },
  });

  it('serves the inserted rows of a fresh batch and re-reads on a redelivery after a deletion', async () => {
    const channelId = uuidv7();
    const messages = [3, 1, 2].map((seq) => message(channelId, seq));
    const fresh = await writer.write({ ...empty(), messages });
    expect(fresh.served.get(channelId)?.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(fresh.inserted.size).toBe(3);
    const deletion = {
      ...empty(),
      deleted: [
        {
          ...base,
          id: uuidv7(),
          type: 'chat.deleted' as const,
          data: { channelId, seq: 4, messageId: messages[1]!.data.messageId, deletedBy: uuidv7(), deletedAt: t(4) },
        },
      ],
    };
    await writer.write(deletion);
    // Redelivered after the deletion: nothing inserted, the deleted one not served again.
    const again = await writer.write({ ...empty(), messages });
    expect(again.inserted.size).toBe(0);
    expect(again.served.get(channelId)?.map((m) => m.seq)).toEqual([2, 3]);
    const [count] = (
      await db.query<{ n: string }>('select count(*) as n from messages where channel_id = $1', [channelId])
    ).rows;
    expect(Number(count!.n)).toBe(3);
  });
});

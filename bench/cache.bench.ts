// The caching service: sync lag (chat accepted -> row in PostgreSQL) at 1,000 messages/s over 100
// channels; sync throughput on a backlog against a bare multi-row insert of the same rows in the
// same run; 50,000 simulated viewers' heartbeats (3,333/s) through the gateway: CPU per heartbeat
// across gateway and cache, the viewer count's error against the truth after 15 s and 60 s after
// the players stop; GET /messages p99 at the gateway under that load.
// bench-needs: postgres redis kafka
import { randomBytes } from 'node:crypto';
import { deadLetterTopic, Topics } from '@phzzk/contracts';
import { createLogger, createRedis, EventProducer, ensureTopics } from '@phzzk/kit';
import { startServiceProcess, testInfra, uniqueName, waitFor } from '@phzzk/testing';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { startPacedLoadProcess } from './lib/paced-load-process.ts';
import { cpuSeconds } from './lib/proc-stat.ts';
import { type Figure, percentile, round, writeResult } from './lib/results.ts';
import { publishStreamStarted } from './lib/stream-events.ts';

const LAG_SECONDS = Number(process.env.BENCH_DURATION_S ?? 20);
const RATE = 1000;
const CHANNELS = 100;
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 30_000);
/** The sync's batch size (cache.sync.batch-size), also the bare reference's. */
const SYNC_BATCH = Number(process.env.BENCH_SYNC_BATCH ?? 5000);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 50_000);
const HEARTBEAT_S = 15;
const HEARTBEAT_PHASE_S = Number(process.env.BENCH_HEARTBEAT_S ?? 45);

const infra = await testInfra();
const brokers = infra.kafkaBrokers;
const topics = [
  Topics.chatMessages,
  Topics.chatModeration,
  Topics.chatPresence,
  Topics.viewerHeartbeats,
  Topics.channelEvents,
];
await ensureTopics(
  brokers,
  topics.flatMap((t) => [
    { name: t.name, partitions: t.partitions },
    { name: deadLetterTopic(t.name), partitions: 1 },
  ]),
);
const schema = uniqueName('cache_bench');
const group = uniqueName('cache_bench');
const prefix = `phzzk:bench:${group}:`;
const env = {
  DATABASE_URL: infra.databaseUrl,
  DATABASE_SCHEMA: schema,
  REDIS_URL: infra.redisUrl,
  KAFKA_BROKERS: brokers.join(','),
  CACHE_CONSUMER_GROUP: group,
  CACHE_CONSUMER_START_FROM: 'latest',
  CACHE_REDIS_KEY_PREFIX: prefix,
  CACHE_LIVE_VIEWERS_KEY: `${prefix}live-viewers`,
  CACHE_HEARTBEAT_RATE_LIMIT: '0',
  CACHE_SYNC_BATCH_SIZE: String(SYNC_BATCH),
  LOG_LEVEL: 'warn',
};
const logger = createLogger({ service: 'cache-bench', instanceId: group, level: 'silent' });
// Several producers, as several chat instances would publish: one client alone does not keep up with
// 1,000 acknowledged sends a second on this machine, and its queue is not what is measured here.
const producers = Array.from({ length: 4 }, () => new EventProducer({ brokers, producer: 'chat', logger }));
const producer = producers[0]!;
let turn = 0;
/** When Kafka acknowledged each message (chat accepts a message once Kafka has it). */
const ackedAt = new Map<string, number>();
const db = new pg.Pool({ connectionString: infra.databaseUrl, max: 4 });
const redis = createRedis(infra.redisUrl, 'cache-bench');
const q = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = []) =>
  (await db.query<R>(text.replaceAll('$schema', schema), params)).rows;

const seqs = new Map<string, number>();
const user = { id: uuidv7(), nickname: 'bench', role: 'viewer' as const };
/**
 * Publishes one message to each of `channelIds` (in order) in one produce request, as a chat
 * instance under load batches its sends: one acknowledged request per message would make the
 * generator, not the cache, the bottleneck (one client managed ~140 msg/s that way here).
 */
const messages = (channelIds: string[]) => {
  const items = channelIds.map((channelId) => {
    const seq = (seqs.get(channelId) ?? 0) + 1;
    seqs.set(channelId, seq);
    return {
      key: channelId,
      data: {
        channelId,
        seq,
        messageId: uuidv7(),
        user,
        text: `message ${seq} ${randomBytes(8).toString('hex')}`,
        sentAt: new Date().toISOString(),
      },
    };
  });
  return producers[turn++ % producers.length]!.publishMany(Topics.chatMessages, 'chat.message', items).then(
    (events) => {
      const now = Date.now();
      for (const e of events) ackedAt.set(e.data.messageId, now);
      return events;
    },
  );
};
const message = (channelId: string) => messages([channelId]);
const channelsOf = (n: number) => Array.from({ length: n }, () => uuidv7());
const count = async (channels: string[]) =>
  Number(
    (
      await q<{ n: string }>('select count(*) as n from $schema.messages where channel_id = any($1::uuid[])', [
        channels,
      ])
    )[0]!.n,
  );

/** Produces `rate` messages a second for `seconds`, spread evenly, round-robin over the channels. */
async function paced(channels: string[], rate: number, seconds: number): Promise<number> {
  const total = rate * seconds;
  const start = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    if (due > sent) {
      // Everything due since the last tick (5 ms) goes out in one request.
      const batch = Array.from({ length: due - sent }, (_, i) => channels[(sent + i) % channels.length]!);
      sent = due;
      const p = messages(batch).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inFlight);
  return total;
}

let cache = await startServiceProcess('cache', env);
const untilConsuming = async () => {
  const channelId = uuidv7();
  await waitFor(
    async () => {
      await producer.publish(Topics.channelEvents, 'channel.updated', {
        channelId,
        title: 's',
        category: null,
        tags: [],
      });
      return waitFor(
        async () =>
          (await q('select 1 from $schema.known_channels where channel_id = $1', [channelId]).catch(() => [])).length >
          0,
        { timeoutMs: 3000 },
      ).catch(() => false);
    },
    { timeoutMs: 90_000, what: 'the cache to consume' },
  );
};
let gateway: Awaited<ReturnType<typeof startServiceProcess>> | undefined;
const figures: Figure[] = [];
const notes: string[] = [];
try {
  await untilConsuming();

  // ---- 1. sync lag at 1,000 messages/s over 100 channels ----
  // BENCH_ONLY=heartbeats skips the two sync parts (to rerun the last one alone).
  if (process.env.BENCH_ONLY !== 'heartbeats') {
    const lagChannels = channelsOf(CHANNELS);
    const producing = performance.now();
    const produced = await paced(lagChannels, RATE, LAG_SECONDS);
    const productionRate = produced / ((performance.now() - producing) / 1000);
    await waitFor(async () => (await count(lagChannels)) >= produced, { timeoutMs: 120_000, what: 'the lag rows' });
    const [lag] = await q<{ p50: number; p99: number; max: number }>(
      `select percentile_cont(0.5) within group (order by l) as p50, percentile_cont(0.99) within group (order by l) as p99,
            max(l) as max
       from (select extract(epoch from synced_at - sent_at) * 1000 as l from $schema.messages
              where channel_id = any($1::uuid[])) x`,
      [lagChannels],
    );
    // From Kafka's acknowledgement (chat has accepted the message) to the row's clock at insert.
    const synced = await q<{ message_id: string; at: number }>(
      'select message_id, extract(epoch from synced_at) * 1000 as at from $schema.messages where channel_id = any($1::uuid[])',
      [lagChannels],
    );
    const fromAck = synced
      .map((r) => Number(r.at) - (ackedAt.get(r.message_id) ?? Number.NaN))
      .filter((l) => !Number.isNaN(l))
      .sort((a, b) => a - b);
    figures.push(
      {
        metric: 'sync lag p50 (1,000 msg/s, 100 channels)',
        value: round(percentile(fromAck, 50), 0),
        unit: 'ms',
        reference: `produced at ${round(productionRate, 0)} msg/s`,
      },
      {
        metric: 'sync lag p99 (1,000 msg/s, 100 channels)',
        value: round(percentile(fromAck, 99), 0),
        unit: 'ms',
        target: '<= 2000 ms',
      },
    );
    console.log(
      `lag: ${produced} messages at ${round(productionRate)} msg/s; from ack p50 ${round(percentile(fromAck, 50))} ms, p99 ${round(percentile(fromAck, 99))} ms; from sentAt p50 ${round(lag!.p50)} ms, p99 ${round(lag!.p99)} ms, max ${round(lag!.max)} ms`,
    );

    // ---- 2. sync throughput on a backlog vs a bare multi-row insert of the same rows ----
    await cache.stop('SIGTERM');
    const backlogChannels = channelsOf(CHANNELS);
    for (let i = 0; i < BACKLOG; i += 1000) {
      await messages(
        Array.from({ length: Math.min(1000, BACKLOG - i) }, (_, j) => backlogChannels[(i + j) % CHANNELS]!),
      );
    }
    cache = await startServiceProcess('cache', env);
    await waitFor(async () => (await count(backlogChannels)) >= BACKLOG, { timeoutMs: 300_000, what: 'the backlog' });
    const [drain] = await q<{ seconds: number; n: string }>(
      `select extract(epoch from max(synced_at) - min(synced_at)) as seconds, count(*) as n
       from $schema.messages where channel_id = any($1::uuid[])`,
      [backlogChannels],
    );
    const syncRate = Number(drain!.n) / Math.max(drain!.seconds, 0.001);
    // The reference: the same rows, the same multi-row statement, batches of the sync's size, one connection.
    await q('create table $schema.bare_messages (like $schema.messages including all)');
    const rows = await q<Record<string, unknown>>(
      'select message_id, channel_id, seq, user_id, nickname, role, text, sent_at from $schema.messages where channel_id = any($1::uuid[])',
      [backlogChannels],
    );
    const bareStart = performance.now();
    for (let i = 0; i < rows.length; i += SYNC_BATCH) {
      const b = rows.slice(i, i + SYNC_BATCH);
      const col = (k: string) => b.map((r) => r[k]);
      await q(
        `insert into $schema.bare_messages (message_id, channel_id, seq, user_id, nickname, role, text, sent_at)
       select * from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
       on conflict do nothing`,
        ['message_id', 'channel_id', 'seq', 'user_id', 'nickname', 'role', 'text', 'sent_at'].map(col),
      );
    }
    const bareRate = rows.length / ((performance.now() - bareStart) / 1000);
    figures.push(
      { metric: 'sync throughput (backlog drain)', value: round(syncRate, 0), unit: 'rows/s' },
      {
        metric: 'sync throughput vs bare multi-row insert',
        value: round(syncRate / bareRate, 2),
        unit: 'x',
        reference: `bare insert ${round(bareRate, 0)} rows/s`,
        target: '>= 0.7x',
      },
    );
    console.log(`backlog ${drain!.n} rows in ${round(drain!.seconds)} s; bare ${round(bareRate)} rows/s`);
  }

  // BENCH_ONLY=sync stops after the two sync parts.
  if (process.env.BENCH_ONLY !== 'sync') {
    // ---- 3. heartbeats through the gateway, history reads under that load ----
    const gw = await startServiceProcess(
      'gateway',
      {
        SERVER_PORT: '0',
        LOG_LEVEL: 'warn',
        REDIS_URL: infra.redisUrl,
        DISCOVERY_MODE: 'static',
        DISCOVERY_STATIC_INSTANCES: `cache=${cache.url}`,
        GATEWAY_RATE_LIMIT_ENABLED: 'false',
        GATEWAY_JWT_JWKS_URI: `${cache.url}/no-jwks`,
      },
      { healthy: false },
    );
    gateway = gw;
    await waitFor(async () => (await fetch(`${gw.url}/api/stats/channels/${uuidv7()}`)).status === 404, {
      timeoutMs: 30_000,
      what: 'the gateway to reach the cache',
    });
    const live = channelsOf(CHANNELS);
    for (const channelId of live) {
      await publishStreamStarted(producer, channelId);
    }
    await waitFor(async () => (await redis.scard(`${prefix}live-channels`)) >= CHANNELS, {
      timeoutMs: 180_000,
      what: `${CHANNELS} live channels (${await redis.scard(`${prefix}live-channels`)} so far)`,
    });
    // Some history to read back, in one of the live channels.
    for (let i = 0; i < 200; i++) await message(live[0]!);
    await waitFor(async () => (await count([live[0]!])) >= 200);

    const players = Array.from({ length: VIEWERS }, () => uuidv7());
    // Request i is player i % VIEWERS: at 3,333/s every player beats once every 15 s, as players do.
    const bodies = players.map((p, i) => JSON.stringify({ channelId: live[i % CHANNELS], playerSessionId: p }));
    const rate = VIEWERS / HEARTBEAT_S;
    const port = Number(new URL(gw.url).port);
    const beats = startPacedLoadProcess();
    const reads = startPacedLoadProcess();
    const cpuBefore = cpuSeconds(gw.pid) + cpuSeconds(cache.pid);
    const started = performance.now();
    const beating = beats.run({
      port,
      path: '/api/stats/heartbeat',
      method: 'POST',
      bodies,
      rate,
      durationS: HEARTBEAT_PHASE_S,
      connections: 128,
    });
    // Players start one after another over the first interval (player i's first heartbeat is due at
    // i / rate s). A viewer must count within 15 s of its first heartbeat, so the count must be exact
    // 15 s after the last player started: read it then (and, for comparison, 16 s after the start,
    // when the last players have only just sent their first heartbeat).
    await new Promise((r) => setTimeout(r, HEARTBEAT_S * 1000 + 1000));
    const reading = reads.run({
      port,
      path: `/api/chat/${live[0]}/messages?limit=50`,
      rate: 100,
      durationS: Math.max(5, HEARTBEAT_PHASE_S - HEARTBEAT_S - 3),
      connections: 16,
    });
    const countedAt16 = await counted(live);
    await new Promise((r) => setTimeout(r, HEARTBEAT_S * 1000));
    const countedExact = await counted(live);
    let hb: Awaited<typeof beating> | undefined;
    try {
      // The load generator returns once every request was answered: if the gateway and the cache
      // cannot keep up, stop waiting after twice the phase and say so instead of hanging.
      hb = await Promise.race([
        beating,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('heartbeat load not sustained')), HEARTBEAT_PHASE_S * 2000 + 5000),
        ),
      ]);
    } catch (error) {
      notes.push(`The heartbeat load did not complete within twice its duration (${(error as Error).message}).`);
    }
    const cpu = cpuSeconds(gw.pid) + cpuSeconds(cache.pid) - cpuBefore;
    const elapsed = (performance.now() - started) / 1000;
    const history = await Promise.race([
      reading,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000)),
    ]);
    // Players stop: 60 s later no one may still be counted.
    await beats.stop();
    await reads.stop();
    await new Promise((r) => setTimeout(r, 60_000));
    const countedAt60 = await counted(live);
    await gw.stop();
    gateway = undefined;
    const sentBeats = hb ? Math.round(rate * HEARTBEAT_PHASE_S) : Number.NaN;
    figures.push(
      {
        metric: 'heartbeats answered through the gateway',
        value: round(hb?.rps ?? Number.NaN, 0),
        unit: 'req/s',
        reference: hb ? `target ${round(rate, 0)}/s, ${hb.non2xx} non-2xx, ${hb.late} sent late` : 'not sustained',
      },
      { metric: 'heartbeat p99 at the gateway', value: round(hb?.p99 ?? Number.NaN, 1), unit: 'ms' },
      {
        metric: 'CPU per heartbeat (gateway + cache)',
        value: round((cpu / sentBeats) * 1e6, 0),
        unit: 'µs',
        reference: `${round(cpu / elapsed, 2)} cores busy`,
      },
      {
        metric: 'viewer count error 15 s after the last player started',
        value: VIEWERS - countedExact,
        unit: 'viewers',
        reference: `counted ${countedExact} of ${VIEWERS} (16 s after the first player started: ${countedAt16})`,
        target: '0',
      },
      {
        metric: 'viewers still counted 60 s after the players stopped',
        value: countedAt60,
        unit: 'viewers',
        target: '0',
      },
      {
        metric: 'GET /messages p99 at the gateway under heartbeat load',
        value: round(history?.p99 ?? Number.NaN, 1),
        unit: 'ms',
        reference: history ? `p50 ${round(history.p50, 1)} ms, ${history.non2xx} non-2xx` : 'did not complete',
        target: '<= 20 ms',
      },
    );
    notes.push(
      'Measured on a 2-core machine shared with six other sessions (load average well above 2): absolute figures are pessimistic; ratios are within one run.',
    );
  }
} finally {
  await gateway?.stop().catch(() => {});
  await cache.stop('SIGTERM').catch(() => {});
  await Promise.all(producers.map((p) => p.close()));
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  await db.query(`drop schema if exists ${schema} cascade`).catch(() => {});
  await db.end();
}
writeResult('cache', figures, notes.join(' '));

/** The viewers counted across the channels, read from the cache's stats (straight from Redis). */
async function counted(channels: string[]): Promise<number> {
  let total = 0;
  for (const channelId of channels) {
    const res = await fetch(`${cache.url}/api/stats/channels/${channelId}`);
    total += ((await res.json()) as { viewers: number }).viewers;
  }
  return total;
}

// How chat's nodes hear of a channel's new events, measured: the same append (INCR the seq, XADD
// to the channel's stream) followed by one of
//   - Redis pub/sub: the append script also PUBLISHes; each node SUBSCRIBEs once per channel
//     (what services/chat does),
//   - Redis streams: each node blocks in XREAD on the channel's stream,
//   - Kafka: the event is produced to a one-partition topic (acks=all, as chat's relay does);
//     each node consumes it with a group of its own,
// with NODES nodes listening. Per transport: append -> heard-by-node latency p50/p99 over every
// node at RATE events/s for SECONDS, and events/s when BURST appends are fired CONCURRENCY at a time
// (until every node heard all of them). Every node is a connection of its own in this process.
// bench-needs: redis kafka
import { loadavg } from 'node:os';
import { createRedis, ensureTopics } from '@phzzk/kit';
import { Consumer, ProduceAcks, Producer } from '@platformatic/kafka';
import { type Figure, percentile, round, writeResult } from './lib/results.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const NODES = Number(process.env.BENCH_FANOUT_NODES ?? 2);
const RATE = Number(process.env.BENCH_FANOUT_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);
const BURST = Number(process.env.BENCH_FANOUT_BURST ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_FANOUT_CONCURRENCY ?? 50);
/** The Redis transports run again with events spread over this many channels (every node has clients in all). */
const MANY = Number(process.env.BENCH_FANOUT_CHANNELS ?? 500);

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const prefix = `phzzk:bench:fanout:${run}:`;

interface Transport {
  name: string;
  /** Starts the nodes; `heard(node, sentAt)` for every event each node receives. */
  start(heard: (node: number, sentAt: number) => void): Promise<void>;
  append(sentAt: number): Promise<void>;
  stop(): Promise<void>;
}

const APPEND = `
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 1000, seq .. '-0', 'b', ARGV[1])
if ARGV[2] == '1' then redis.call('PUBLISH', KEYS[3], seq .. ':' .. ARGV[1]) end
return seq`;

function redisTransport(name: string, publish: boolean, channels: number): Transport {
  const keysOf = Array.from({ length: channels }, (_, c) => [
    `${prefix}${name}${channels}:${c}:seq`,
    `${prefix}${name}${channels}:${c}:log`,
    `${prefix}${name}${channels}:${c}:feed`,
  ]);
  let appended = 0;
  const writer = createRedis(REDIS_URL, 'bench-fanout-writer');
  const nodes = Array.from({ length: NODES }, () => createRedis(REDIS_URL, 'bench-fanout-node'));
  let running = true;
  return {
    name: `${name}${channels}`,
    async start(heard) {
      if (publish) {
        await Promise.all(
          nodes.map(async (node, i) => {
            node.on('message', (_channel: string, message: string) =>
              heard(i, Number(message.slice(message.indexOf(':') + 1))),
            );
            await node.subscribe(...keysOf.map((k) => k[2]!));
          }),
        );
        return;
      }
      nodes.forEach((node, i) => {
        void (async () => {
          // One blocking XREAD over every channel's stream, re-issued with each stream's last id.
          const streams = keysOf.map((k) => k[1]!);
          const last = new Map(streams.map((k) => [k, '0-0']));
          while (running) {
            const reply = (await node
              .xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', ...streams, ...streams.map((k) => last.get(k)!))
              .catch(() => null)) as [string, [string, string[]][]][] | null;
            for (const [stream, entries] of reply ?? []) {
              for (const [id, fields] of entries) {
                last.set(stream, id);
                heard(i, Number(fields[1]));
              }
            }
          }
        })();
      });
    },
    async append(sentAt) {
      const keys = keysOf[appended++ % channels]!;
      await writer.eval(APPEND, 3, ...keys, String(sentAt), publish ? '1' : '0');
    },
    async stop() {
      running = false;
      await writer.del(...keysOf.flat());
      writer.disconnect();
      for (const node of nodes) node.disconnect();
    },
  };
}

function kafkaTransport(): Transport {
  const topic = `phzzk.bench.chat-fanout.${run}`;
  const keys = [`${prefix}kafka:seq`, `${prefix}kafka:log`, `${prefix}kafka:feed`];
  const writer = createRedis(REDIS_URL, 'bench-fanout-writer');
  const producer = new Producer({
    clientId: 'bench-fanout',
    bootstrapBrokers: BROKERS,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
  });
  const consumers = Array.from(
    { length: NODES },
    (_, i) =>
      new Consumer({
        clientId: `bench-fanout-node-${i}`,
        groupId: `bench-fanout-${run}-${i}`,
        bootstrapBrokers: BROKERS,
        autocommit: false,
        maxWaitTime: 10,
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
      }),
  );
  const streams: { close(): Promise<void> }[] = [];
  return {
    name: 'kafka1',
    async start(heard) {
      await ensureTopics(BROKERS, [{ name: topic, partitions: 1 }]);
      await Promise.all(
        consumers.map(async (consumer, i) => {
          const stream = await consumer.consume({
            topics: [topic],
            mode: 'manual',
            offsets: [{ topic, partition: 0, offset: 0n }],
          });
          stream.on('data', (m) => heard(i, Number((m.value as Buffer).toString())));
          streams.push(stream);
        }),
      );
    },
    async append(sentAt) {
      // The log append stays in Redis (order, acks, resume); Kafka only carries the fan-out.
      await writer.eval(APPEND, 3, ...keys, String(sentAt), '0');
      await producer.send({ messages: [{ topic, key: Buffer.from('channel'), value: Buffer.from(String(sentAt)) }] });
    },
    async stop() {
      for (const s of streams) await s.close().catch(() => {});
      for (const c of consumers) await c.close(true).catch(() => {});
      await producer.close().catch(() => {});
      await writer.del(...keys);
      writer.disconnect();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(transport: Transport) {
  let latencies: number[] = [];
  let heardCount = 0;
  await transport.start((_node, sentAt) => {
    latencies.push(performance.now() - sentAt);
    heardCount++;
  });
  // Warm-up (and Kafka's fetch sessions settled): until every node hears.
  for (let i = 0; heardCount < NODES * 5 && i < 200; i++) {
    await transport.append(performance.now());
    await sleep(50);
  }
  await sleep(500);
  latencies = [];
  heardCount = 0;
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < SECONDS * 1000) {
    void transport.append(performance.now());
    sent++;
    await sleep(Math.max(0, started + (sent * 1000) / RATE - performance.now()));
  }
  await sleep(2000);
  const paced = Float64Array.from(latencies).sort();
  const pacedHeard = heardCount / (sent * NODES);

  heardCount = 0;
  const burstStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < BURST) {
        next++;
        await transport.append(performance.now());
      }
    }),
  );
  const deadline = performance.now() + 60_000;
  while (heardCount < BURST * NODES && performance.now() < deadline) await sleep(5);
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  await transport.stop();
  return {
    p50: percentile(paced, 50),
    p99: percentile(paced, 99),
    pacedHeard,
    perSecond: heardCount / NODES / burstSeconds,
  };
}

const load = loadavg()[0]!;
const figures: Figure[] = [];
const transports = [
  () => redisTransport('pubsub', true, 1),
  () => redisTransport('xread', false, 1),
  () => kafkaTransport(),
  () => redisTransport('pubsub', true, MANY),
  () => redisTransport('xread', false, MANY),
];
for (const make of transports) {
  const transport = make();
  const m = await measure(transport);
  console.log(`  ${transport.name}: ${JSON.stringify(m)}`);
  const channels = /\d+$/.exec(transport.name)?.[0] ?? '1';
  const kind = transport.name.replace(/\d+$/, '');
  const label = `${{ pubsub: 'Redis pub/sub', xread: 'Redis streams XREAD BLOCK', kafka: 'Kafka (acks=all)' }[kind]}, ${channels} channel(s)`;
  figures.push(
    { metric: `chat fan-out append → node p50, ${RATE}/s, ${NODES} nodes, ${label}`, value: round(m.p50), unit: 'ms' },
    { metric: `chat fan-out append → node p99, ${RATE}/s, ${NODES} nodes, ${label}`, value: round(m.p99), unit: 'ms' },
    { metric: `chat fan-out events heard / expected, ${label}`, value: round(m.pacedHeard, 4), unit: 'ratio' },
    {
      metric: `chat fan-out events/s, burst of ${BURST} (${CONCURRENCY} at a time), ${label}`,
      value: round(m.perSecond, 0),
      unit: '/s',
    },
  );
}
writeResult('chat-fanout', figures, `${NODES} nodes in one process; load average ${round(load)} when it began`);
process.exit(0);

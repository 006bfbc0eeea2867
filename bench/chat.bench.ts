// Chat fan-out, as issue 13 asks: one channel, N connected clients (5,000 and 10,000 by default),
// 5 senders sending 5 messages/s in total; the same workload against
//   - chat: clients through the real gateway to two chat instances (Redis, Kafka, PostgreSQL real),
//   - bare `ws`: one broadcast process, no gateway (the ceiling),
//   - socket.io 4 + @socket.io/redis-adapter across two processes (what a Node team would pick).
// Per system and size: send -> receive p50/p99 over every delivery, deliveries/s at saturation
// (each sender keeps BENCH_CHAT_WINDOW messages in flight), RSS per idle connection at the largest
// size; then, for chat at the largest size, the reconnect storm: kill -9 one of the two instances
// (half the clients on it) while messages flow, time until every client resumed with `since`, and
// the gaps and duplicates any client saw. The load generator runs in processes of its own
// (BENCH_CHAT_CLIENTS_PER_PROCESS each). Small runs: BENCH_CHAT_CLIENTS=300 BENCH_CHAT_SECONDS=5.
// bench-needs: postgres redis kafka
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ChatClient } from '../services/chat/test/support/chat-client.ts';
import { startChatCluster } from '../services/chat/test/support/chat-cluster.ts';
import { startGatewayFor } from '../services/chat/test/support/gateway.ts';
import { runChild } from './lib/child.ts';
import { ChatLoadFleet } from './lib/chat-load-fleet.ts';
import type { SystemKind } from './lib/chat-load-protocol.ts';
import { ensureFileDescriptors, fileDescriptorLimit } from './lib/fd-limit.ts';
import { cpuSeconds } from './lib/proc-stat.ts';
import { type Figure, round, writeResult } from './lib/results.ts';

const SIZES = (process.env.BENCH_CHAT_CLIENTS ?? '5000,10000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_CHAT_SECONDS ?? 20);
const SATURATION_SECONDS = Number(process.env.BENCH_CHAT_SATURATION_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_CHAT_RATE ?? 5);
const SENDERS = 5;
const WINDOW = Number(process.env.BENCH_CHAT_WINDOW ?? 4);
const PER_PROCESS = Number(process.env.BENCH_CHAT_CLIENTS_PER_PROCESS ?? 2500);
const STORM = process.env.BENCH_CHAT_STORM !== '0';
/** Also chat without the gateway (clients straight to the two instances). */
const DIRECT = process.env.BENCH_CHAT_DIRECT !== '0';
const LARGEST = Math.max(...SIZES);

// The gateway holds two sockets per client; the load processes inherit the limit too.
ensureFileDescriptors(2 * LARGEST + 4096);
/**
 * Gateway processes in front of chat: one, unless its two sockets per client do not fit in the
 * file descriptors a process may open here (this sandbox's hard limit, 20,000, cannot be raised:
 * at 10,000 clients one gateway ran out, EMFILE); then two, the clients spread over them, as a
 * deployment behind a load balancer would run.
 */
const GATEWAYS = fileDescriptorLimit() >= 2 * LARGEST + 2048 ? 1 : 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssKb = async (pid: number) => {
  const { readFileSync } = await import('node:fs');
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
};
const sumRss = async (pids: number[]) => (await Promise.all(pids.map(rssKb))).reduce((a, b) => a + b, 0);

const load = loadavg()[0]!;
const cluster = await startChatCluster({
  nodes: 2,
  env: {
    LOG_LEVEL: 'warn',
    CHAT_RATE_MESSAGES: '1000000',
    CHAT_RATE_MODERATOR_MESSAGES: '1000000',
    CHAT_CONNECTIONS_PER_IP: '1000000',
    CHAT_CONNECTIONS_PER_USER: '1000000',
    CHAT_ABUSE_FRAMES_PER_WINDOW: '100000',
    CHAT_SOCKET_MAX_QUEUED_SENDS: '1000',
  },
});
const gateway = await startGatewayFor(
  cluster.nodes.map((n) => n.url),
  cluster.infra.redisUrl,
  // Every client comes from 127.0.0.1 here.
  { GATEWAY_MAX_CONNECTIONS_PER_IP: '0' },
  { instances: GATEWAYS },
);
const bare = await runChild(
  [join(import.meta.dirname, 'fixtures/bare-ws-broadcast.ts')],
  process.env,
  /listening on (\d+)/,
);
const socketIoEnv = { ...process.env, REDIS_URL: cluster.infra.redisUrl, BENCH_SOCKETIO_KEY: `${cluster.prefix}sio` };
const socketIo = [
  await runChild([join(import.meta.dirname, 'fixtures/socketio-broadcast.ts')], socketIoEnv, /listening on (\d+)/),
  await runChild([join(import.meta.dirname, 'fixtures/socketio-broadcast.ts')], socketIoEnv, /listening on (\d+)/),
];

interface Measured {
  p50: number;
  p99: number;
  received: number;
  perSecond: number;
  idleKb: Record<string, number>;
  /** CPU time of the system's processes (gateway included) per 1000 deliveries, paced phase. */
  cpuMsPer1000: number;
  storm?: { onVictim: number; resumed: number; seconds: number; gaps: number; duplicates: number; open: number };
}

/** `direct`: chat without the gateway (clients spread over the two instances): the gateway's share. */
async function measure(kind: SystemKind, clients: number, storm: boolean, direct = false): Promise<Measured> {
  let urls: string[];
  let senderHeaders: Record<string, string>[] = Array.from({ length: SENDERS }, () => ({}));
  let servers: Record<string, number[]>;
  if (kind === 'chat' && direct) {
    const { channelId } = cluster.newChannel();
    senderHeaders = senderHeaders.map(() => cluster.newUser().headers);
    urls = cluster.nodes.map((n) => `${n.url.replace('http', 'ws')}/ws/chat/${channelId}`);
    for (const n of cluster.nodes) (await ChatClient.connect(n.url, channelId)).close();
    servers = { 'chat without gateway (per instance)': cluster.nodes.map((n) => n.pid) };
  } else if (kind === 'chat') {
    const { channelId } = cluster.newChannel();
    senderHeaders = await Promise.all(
      senderHeaders.map(async () => ({ authorization: `Bearer ${await gateway.token(cluster.newUser().userId)}` })),
    );
    urls = gateway.urls.map((url) => `${url.replace('http', 'ws')}/ws/chat/${channelId}`);
    // Warm-up: the channel's feed open on both instances.
    for (let i = 0; i < 2; i++) (await ChatClient.connect(gateway.url, channelId)).close();
    servers = {
      'chat (per instance)': cluster.nodes.map((n) => n.pid),
      gateway: gateway.processes.map((p) => p.pid),
    };
  } else if (kind === 'bare') {
    urls = [`ws://127.0.0.1:${bare.match[1]}/`];
    servers = { 'bare ws': [bare.child.pid!] };
  } else {
    urls = socketIo.map((s) => `http://127.0.0.1:${s.match[1]}`);
    servers = { 'socket.io (per process)': socketIo.map((s) => s.child.pid!) };
  }
  const before = Object.fromEntries(
    await Promise.all(Object.entries(servers).map(async ([k, pids]) => [k, await sumRss(pids)] as const)),
  );
  const { fleet, connected, failed, reasons, ms } = await ChatLoadFleet.connect({
    kind,
    urls,
    clients,
    senderHeaders,
    perProcess: PER_PROCESS,
  });
  try {
    console.log(`  ${kind}: ${connected} of ${clients} connected in ${ms} ms (${failed} failed ${reasons.join('; ')})`);
    if (failed > 0 && kind === 'chat' && !direct) {
      // What the gateway said about the failed upgrades (its warnings name the instance and the error).
      const outputs = gateway.processes.map((p) => p.output()).join('\n');
      const said = outputs.split('\n').filter((line) => line.includes('"level":40'));
      for (const line of said.slice(-10)) console.log(`    gateway: ${line}`);
    }
    if (connected < clients) throw new Error(`${kind}: only ${connected} of ${clients} clients connected`);
    await sleep(3000);
    const idleKb: Record<string, number> = {};
    for (const [k, pids] of Object.entries(servers)) idleKb[k] = ((await sumRss(pids)) - before[k]!) / clients;

    // Paced: RATE messages/s for SECONDS.
    const pids = Object.values(servers).flat();
    const cpu = () => pids.reduce((a, pid) => a + cpuSeconds(pid), 0);
    await fleet.all({ op: 'reset' });
    const cpuBefore = cpu();
    await fleet.senders({ op: 'paced', rate: RATE });
    await sleep(SECONDS * 1000);
    await fleet.senders({ op: 'stop' });
    await sleep(3000);
    const paced = await fleet.report();
    const cpuMsPer1000 = ((cpu() - cpuBefore) * 1000 * 1000) / Math.max(1, paced.deliveries);
    const expected = paced.sent * clients;
    console.log(
      `  ${kind}: paced ${paced.sent} sent, ${paced.deliveries}/${expected} delivered, ${paced.errors} errors, ${paced.closed} closed`,
    );

    // Saturation: closed loop, deliveries/s while it runs.
    await fleet.all({ op: 'reset' });
    const started = performance.now();
    await fleet.senders({ op: 'saturate', window: WINDOW });
    await sleep(SATURATION_SECONDS * 1000);
    const saturated = await fleet.report();
    const perSecond = saturated.deliveries / ((performance.now() - started) / 1000);
    await fleet.senders({ op: 'stop' });
    await sleep(3000);
    console.log(`  ${kind}: saturation ${round(perSecond)} deliveries/s (${saturated.closed} closed)`);

    const result: Measured = {
      p50: paced.histogram.percentile(50),
      p99: paced.histogram.percentile(99),
      received: paced.deliveries / Math.max(1, expected),
      perSecond,
      idleKb,
      cpuMsPer1000,
    };
    if (storm) result.storm = await reconnectStorm(fleet, clients);
    return result;
  } finally {
    await fleet.close();
  }
}

/** kill -9 of the second instance while messages flow; every closed client resumes via the gateway. */
async function reconnectStorm(fleet: ChatLoadFleet, clients: number): Promise<NonNullable<Measured['storm']>> {
  await fleet.all({ op: 'reset' });
  await fleet.all({ op: 'resume', on: true });
  await fleet.senders({ op: 'paced', rate: RATE });
  await sleep(2000);
  const victim = cluster.nodes[1]!;
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  let totals = await fleet.report();
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    await sleep(250);
    totals = await fleet.report();
    if (totals.closed > 0 && totals.resumed >= totals.closed && totals.open === clients) break;
  }
  if (totals.resumed < totals.closed) {
    const said = gateway.processes.flatMap((p) => p.output().split('\n')).filter((l) => l.includes('"level":40'));
    console.log(`  chat: ${totals.closed - totals.resumed} clients not resumed; the gateways' last warnings:`);
    for (const line of said.slice(-10)) console.log(`    ${line}`);
  }
  // Messages keep flowing a little after the last resume: a gap would show now.
  await sleep(3000);
  await fleet.senders({ op: 'stop' });
  await sleep(2000);
  const final = await fleet.report();
  const storm = {
    onVictim: final.closed,
    resumed: final.resumed,
    seconds: (totals.lastResumeAt - killedAt) / 1000,
    gaps: final.gaps,
    duplicates: final.duplicates,
    open: final.open,
  };
  console.log(`  chat: reconnect storm ${JSON.stringify(storm)}`);
  return storm;
}

const figures: Figure[] = [];
try {
  for (const clients of SIZES) {
    const at = `${clients} clients, ${RATE} msg/s`;
    const storm = STORM && clients === LARGEST;
    const ceiling = await measure('bare', clients, false);
    const sio = await measure('socketio', clients, false);
    const direct = DIRECT ? await measure('chat', clients, false, true) : undefined;
    const chat = await measure('chat', clients, storm);
    figures.push(
      { metric: `fan-out p50, ${at}, gateway + 2 chat`, value: round(chat.p50), unit: 'ms' },
      { metric: `fan-out p99, ${at}, gateway + 2 chat`, value: round(chat.p99), unit: 'ms' },
      ...(direct
        ? [
            { metric: `fan-out p50, ${at}, 2 chat without gateway`, value: round(direct.p50), unit: 'ms' },
            { metric: `fan-out p99, ${at}, 2 chat without gateway`, value: round(direct.p99), unit: 'ms' },
            {
              metric: `deliveries/s at saturation, ${clients} clients, 2 chat without gateway`,
              value: round(direct.perSecond, 0),
              unit: '/s',
            },
            {
              metric: `CPU per 1000 deliveries, ${at}, 2 chat without gateway`,
              value: round(direct.cpuMsPer1000),
              unit: 'ms',
            },
          ]
        : []),
      { metric: `fan-out p50, ${at}, bare ws`, value: round(ceiling.p50), unit: 'ms' },
      { metric: `fan-out p99, ${at}, bare ws`, value: round(ceiling.p99), unit: 'ms' },
      { metric: `fan-out p50, ${at}, socket.io + redis-adapter ×2`, value: round(sio.p50), unit: 'ms' },
      { metric: `fan-out p99, ${at}, socket.io + redis-adapter ×2`, value: round(sio.p99), unit: 'ms' },
      {
        metric: `fan-out p99 ratio, ${clients} clients`,
        value: round(chat.p99 / ceiling.p99),
        unit: '×',
        reference: 'bare ws',
        target: '≤ 1.5',
      },
      {
        metric: `fan-out p99 ratio, ${clients} clients`,
        value: round(chat.p99 / sio.p99),
        unit: '×',
        reference: 'socket.io',
        target: '< 1',
      },
      {
        metric: `deliveries received / expected, ${clients} clients (chat, bare ws, socket.io)`,
        value: round(Math.min(chat.received, ceiling.received, sio.received), 4),
        unit: 'ratio (lowest)',
      },
      { metric: `CPU per 1000 deliveries, ${at}, gateway + 2 chat`, value: round(chat.cpuMsPer1000), unit: 'ms' },
      { metric: `CPU per 1000 deliveries, ${at}, bare ws`, value: round(ceiling.cpuMsPer1000), unit: 'ms' },
      { metric: `CPU per 1000 deliveries, ${at}, socket.io ×2`, value: round(sio.cpuMsPer1000), unit: 'ms' },
      {
        metric: `deliveries/s at saturation, ${clients} clients, gateway + 2 chat`,
        value: round(chat.perSecond, 0),
        unit: '/s',
      },
      {
        metric: `deliveries/s at saturation, ${clients} clients, bare ws`,
        value: round(ceiling.perSecond, 0),
        unit: '/s',
      },
      {
        metric: `deliveries/s at saturation, ${clients} clients, socket.io`,
        value: round(sio.perSecond, 0),
        unit: '/s',
      },
      {
        metric: `throughput ratio, ${clients} clients`,
        value: round(chat.perSecond / ceiling.perSecond),
        unit: '×',
        reference: 'bare ws',
        target: '≥ 0.8',
      },
      {
        metric: `throughput ratio, ${clients} clients`,
        value: round(chat.perSecond / sio.perSecond),
        unit: '×',
        reference: 'socket.io',
        target: '> 1',
      },
    );
    if (clients === LARGEST) {
      for (const [system, kb] of Object.entries({ ...chat.idleKb, ...ceiling.idleKb, ...sio.idleKb })) {
        const ours = system.startsWith('chat') || system === 'gateway';
        figures.push({
          metric: `RSS per idle connection, ${clients} connections, ${system}`,
          value: round(kb, 1),
          unit: 'KB',
          ...(ours ? { target: '≤ 16' } : {}),
        });
      }
    }
    if (chat.storm) {
      const s = chat.storm;
      figures.push(
        { metric: `reconnect storm: clients on the killed instance (of ${clients})`, value: s.onVictim, unit: '' },
        { metric: 'reconnect storm: time until all resumed', value: round(s.seconds), unit: 's' },
        {
          metric: 'reconnect storm: clients resumed / cut off',
          value: round(s.resumed / Math.max(1, s.onVictim), 4),
          unit: 'ratio',
          target: '1',
        },
        { metric: 'reconnect storm: gaps seen (events missed)', value: s.gaps, unit: '', target: '0' },
        { metric: 'reconnect storm: duplicates seen', value: s.duplicates, unit: '', target: '0' },
      );
    }
  }
  writeResult(
    'chat',
    figures,
    `${GATEWAYS === 1 ? 'one gateway' : `${GATEWAYS} gateway processes (the clients spread over them: one cannot open two sockets per client within this machine's file descriptor limit, ${fileDescriptorLimit()})`}; ${SIZES.join(' and ')} clients, ${SECONDS} s paced at ${RATE} msg/s by ${SENDERS} senders, ${SATURATION_SECONDS} s saturation (window ${WINDOW} per sender); load average ${round(load)} when it began${LARGEST < 5000 ? '; SMALL run, not the issue’s scale' : ''}`,
  );
} finally {
  await bare.stop();
  await Promise.all(socketIo.map((s) => s.stop()));
  await gateway.stop();
  await cluster.stop();
}

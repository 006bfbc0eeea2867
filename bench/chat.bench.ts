// Chat fan-out: one channel, CLIENTS connected clients, 5 senders sending RATE messages/s in total,
// send -> receive latency over every delivery (p50/p99), through the gateway to two chat instances,
// against a bare `ws` broadcast server (one process, no gateway: the ceiling) in the same run; RSS
// per idle connection on the chat instances and the gateway. The load generator is a process of
// its own. Reduced scale by default (BENCH_CHAT_CLIENTS, BENCH_CHAT_SECONDS raise it).
// Not measured yet: socket.io + @socket.io/redis-adapter, throughput at saturation, the reconnect storm.
// bench-needs: postgres redis kafka
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ChatClient } from '../services/chat/test/support/chat-client.ts';
import { startChatCluster } from '../services/chat/test/support/chat-cluster.ts';
import { startGatewayFor } from '../services/chat/test/support/gateway.ts';
import { runChild } from './lib/child.ts';
import { type Figure, round, writeResult } from './lib/results.ts';

const CLIENTS = Number(process.env.BENCH_CHAT_CLIENTS ?? 1000);
const SECONDS = Number(process.env.BENCH_CHAT_SECONDS ?? 15);
const RATE = Number(process.env.BENCH_CHAT_RATE ?? 5);

type LoadResult = { sent: number; deliveries: number; expected: number; p50: number; p99: number; errors: number };

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** Runs the load generator; `idle` is called once every client is connected. */
async function load(url: string, senderHeaders: Record<string, string>[], idle: () => void): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'fixtures/chat-load.ts'),
      JSON.stringify({ url, clients: CLIENTS, senders: 5, senderHeaders, rate: RATE, seconds: SECONDS }),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  let result: LoadResult | undefined;
  for await (const line of lines) {
    const value = JSON.parse(line) as { connected?: number } & LoadResult;
    if (value.connected !== undefined) {
      console.log(`  ${value.connected} clients connected to ${url}`);
      await new Promise((r) => setTimeout(r, 3000));
      idle();
      child.stdin!.write('go\n');
    } else result = value;
  }
  if (!result) throw new Error('the load generator gave no result');
  return result;
}

const cluster = await startChatCluster({
  nodes: 2,
  env: {
    LOG_LEVEL: 'warn',
    CHAT_RATE_MESSAGES: '1000000',
    CHAT_CONNECTIONS_PER_IP: '1000000',
    CHAT_CONNECTIONS_PER_USER: '1000000',
  },
});
const gateway = await startGatewayFor(
  cluster.nodes.map((n) => n.url),
  cluster.infra.redisUrl,
);
const bare = await runChild(
  [join(import.meta.dirname, 'fixtures/bare-ws-broadcast.ts')],
  process.env,
  /listening on (\d+)/,
);
const figures: Figure[] = [];
try {
  const { channelId } = cluster.newChannel();
  const senders = await Promise.all(
    Array.from({ length: 5 }, async () => ({
      authorization: `Bearer ${await gateway.token(cluster.newUser().userId)}`,
    })),
  );
  // Warm-up: one client through the gateway.
  (await ChatClient.connect(gateway.url, channelId)).close();

  const before = { chat: cluster.nodes.map((n) => rssKb(n.pid)), gateway: rssKb(gateway.process.pid) };
  let idle = { chat: 0, gateway: 0 };
  const chat = await load(`${gateway.url.replace('http', 'ws')}/ws/chat/${channelId}`, senders, () => {
    const chatAfter = cluster.nodes.map((n) => rssKb(n.pid));
    idle = {
      chat: (chatAfter.reduce((a, b) => a + b, 0) - before.chat.reduce((a, b) => a + b, 0)) / CLIENTS,
      gateway: (rssKb(gateway.process.pid) - before.gateway) / CLIENTS,
    };
  });
  const ceiling = await load(`ws://127.0.0.1:${bare.match[1]}/`, [], () => {});
  console.log({ chat, ceiling });
  figures.push(
    { metric: `fan-out p50, ${CLIENTS} clients, ${RATE} msg/s, gateway + 2 chat`, value: round(chat.p50), unit: 'ms' },
    {
      metric: `fan-out p99, ${CLIENTS} clients, ${RATE} msg/s, gateway + 2 chat`,
      value: round(chat.p99),
      unit: 'ms',
      target: '≤ 1.5× bare ws',
    },
    { metric: `fan-out p50, ${CLIENTS} clients, bare ws`, value: round(ceiling.p50), unit: 'ms' },
    { metric: `fan-out p99, ${CLIENTS} clients, bare ws`, value: round(ceiling.p99), unit: 'ms' },
    {
      metric: 'fan-out p99 ratio to bare ws',
      value: round(chat.p99 / ceiling.p99),
      unit: '×',
      reference: 'bare ws',
      target: '≤ 1.5',
    },
    {
      metric: 'deliveries received / expected, chat',
      value: round(chat.deliveries / Math.max(1, chat.expected), 4),
      unit: 'ratio',
    },
    { metric: 'RSS per idle connection, chat (both instances)', value: round(idle.chat), unit: 'KB', target: '≤ 16' },
    { metric: 'RSS per idle connection, gateway', value: round(idle.gateway), unit: 'KB', target: '≤ 16' },
  );
  writeResult('chat', figures, `reduced scale: ${CLIENTS} clients, ${SECONDS} s; shared 2-core machine`);
} finally {
  await bare.stop();
  await gateway.stop();
  await cluster.stop();
}

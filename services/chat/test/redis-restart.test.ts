import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from './support/chat-client.ts';
import { type ChatCluster, startChatCluster } from './support/chat-cluster.ts';

/** A Redis of this test's own (the shared one is never restarted), without persistence. */
function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

describe('chat through a Redis restart that loses everything (two real instances)', () => {
  let c: ChatCluster;
  let redis: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = startRedis(port);
    c = await startChatCluster({ nodes: 2, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  }, 300_000);
  afterAll(async () => {
    await c?.stop();
    redis?.kill('SIGKILL');
  });

  it('fails sends clearly while Redis is down, then continues the seq without going back', async () => {
    const { channelId } = c.newChannel();
    const reader = await ChatClient.connect(c.nodes[1]!.url, channelId);
    const sender = await ChatClient.connect(c.nodes[0]!.url, channelId, { headers: c.newUser().headers });
    for (let i = 0; i < 3; i++) expect((await sender.send(`before ${i}`)).type).toBe('ack');
    // Relayed to Kafka: chat remembers seq 3 in PostgreSQL.
    await c.probe.waitFor(
      (m) =>
        (m.event?.data as { channelId?: string } | undefined)?.channelId === channelId &&
        (m.event?.data as { seq?: number } | undefined)?.seq === 3,
    );
    await reader.next((f) => f.seq === 3);

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    const during = await sender.send('while down');
    expect(during).toMatchObject({ type: 'error', code: 'UNAVAILABLE' });

    redis = startRedis(port);
    const after = await waitFor(
      async () => {
        const reply = await sender.send(`after ${Date.now()}`);
        return reply.type === 'ack' ? reply : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'sending to work again' },
    );
    expect(after.seq).toBe(4);
    // Both nodes resubscribed: the reader on the other node gets it, right after seq 3.
    await reader.next((f) => f.seq === 4, 15_000);
    expect(reader.seqs()).toEqual([1, 2, 3, 4]);
    const late = await ChatClient.connect(c.nodes[1]!.url, channelId);
    expect(late.welcome.seq).toBe(4);
    for (const client of [reader, sender, late]) client.close();
  }, 120_000);
});

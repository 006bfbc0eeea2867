import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from './support/chat-client.ts';
import { type ChatCluster, startChatCluster } from './support/chat-cluster.ts';

const stuckClient = fileURLToPath(new URL('./support/stuck-client.py', import.meta.url));

describe('chat backpressure (one real instance)', () => {
  let c: ChatCluster;
  beforeAll(async () => {
    // Limits raised so that one test can push megabytes; the buffer bound lowered to 256 KB.
    c = await startChatCluster({
      nodes: 1,
      env: {
        CHAT_RATE_MESSAGES: '100000',
        CHAT_ABUSE_FRAMES_PER_WINDOW: '100000',
        CHAT_SOCKET_MAX_QUEUED_SENDS: '1000',
        CHAT_SOCKET_MAX_BUFFERED_BYTES: '262144',
      },
    });
  }, 300_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('cuts off a client that never reads (close 1013) while a reader keeps up and sees everything', async () => {
    const { channelId } = c.newChannel();
    const url = c.nodes[0]!.url;
    const stuck = spawn('python3', [stuckClient, new URL(url).port, `/ws/chat/${channelId}`]);
    let output = '';
    stuck.stdout.on('data', (d) => (output += d));
    await waitFor(() => output.includes('open'));
    const reader = await ChatClient.connect(url, channelId);
    // Ten senders in parallel (each connection's sends are handled one after another).
    const senders = await Promise.all(
      Array.from({ length: 10 }, () => ChatClient.connect(url, channelId, { headers: c.newUser().headers })),
    );
    const text = '😀'.repeat(500); // ~2 KB per frame
    // About 6 MB: past what the kernel's socket buffers absorb (up to 4 MB) plus the 256 KB bound.
    const sent = 3000;
    await Promise.all(
      senders.map(async (sender) => {
        for (let i = 0; i < sent / senders.length; i++) expect((await sender.send(text)).type).toBe('ack');
      }),
    );
    await reader.next((f) => f.type === 'message' && f.seq === sent, 60_000);
    stuck.stdin.write('read now\n');
    // Its second line complete (a pipe may hand a line over in two pieces).
    await waitFor(() => output.split('\n').length >= 3, { timeoutMs: 60_000 });
    // The server gave up on it long before the end (its close frame, 1013, sat behind what it did
    // not read, so it may not have reached it): the connection ended with part of the messages.
    const [code, messages, ended] = output.trim().split('\n')[1]!.split(' ');
    expect(ended).toBe('ended');
    expect(Number(messages)).toBeLessThan(sent);
    expect(['1013', 'none']).toContain(code);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/chat_connections_closed_by_server_total\{[^}]*reason="backpressure"[^}]*\} [1-9]/);
    expect(reader.closeCode).toBeUndefined();
    expect(reader.seqs()).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    expect(reader.welcome).toBeDefined();
    // It may resume: the node welcomes it back with what it missed.
    const again = await ChatClient.connect(url, channelId, { since: sent - 3 });
    expect(again.seqs()).toEqual([sent - 2, sent - 1, sent]);
    for (const client of [reader, ...senders, again]) client.close();
  }, 180_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type Frame } from './support/chat-client.ts';
import { type ChatCluster, startChatCluster } from './support/chat-cluster.ts';

describe('chat across two real instances (real Redis, Kafka, PostgreSQL)', () => {
  let c: ChatCluster;
  beforeAll(async () => {
    c = await startChatCluster({ nodes: 2 });
  }, 300_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('welcomes anonymous readers and signed-in users with the phzzk.chat.v1 subprotocol', async () => {
    const { channelId } = c.newChannel();
    const anonymous = await ChatClient.connect(c.nodes[0]!.url, channelId);
    expect(anonymous.ws.protocol).toBe('phzzk.chat.v1');
    expect(anonymous.welcome).toMatchObject({
      type: 'welcome',
      channelId,
      user: null,
      seq: 0,
      history: [],
      settings: { slowModeSeconds: 0, followersOnlyMinutes: null, emoteOnly: false },
    });
    const alice = c.newUser('alice');
    const signed = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: alice.headers });
    expect(signed.welcome.user).toEqual({ id: alice.userId, nickname: 'alice', role: 'viewer' });
    anonymous.close();
    signed.close();
  });

  it('delivers every message to clients on both instances in the same seq order, without gaps', async () => {
    const { channelId } = c.newChannel();
    const readers = await Promise.all([0, 1, 0, 1].map((i) => ChatClient.connect(c.nodes[i]!.url, channelId)));
    const senders = await Promise.all(
      [0, 1].map((i) => ChatClient.connect(c.nodes[i]!.url, channelId, { headers: c.newUser().headers })),
    );
    const acks = await Promise.all(Array.from({ length: 10 }, (_, k) => senders[k % 2]!.send(`hello ${k}`)));
    for (const ack of acks) expect(ack).toMatchObject({ type: 'ack', seq: expect.any(Number) });
    expect(new Set(acks.map((a) => a.seq)).size).toBe(10);
    for (const reader of [...readers, ...senders]) {
      await reader.next((f) => f.type === 'message' && f.seq === 10);
      expect(reader.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    const texts = (r: ChatClient) => r.events().map((e: Frame) => e.text);
    for (const reader of readers) expect(texts(reader)).toEqual(texts(readers[0]!));
    // The ack's messageId is the delivered message's.
    const delivered = readers[0]!.events().find((e) => e.seq === acks[0]!.seq)!;
    expect(delivered.messageId).toBe(acks[0]!.messageId);
    expect(delivered.user).toMatchObject({ role: 'viewer' });
    for (const client of [...readers, ...senders]) client.close();
  });

  it('publishes accepted messages to chat.messages in seq order, keyed by channel', async () => {
    const { channelId } = c.newChannel();
    const sender = await ChatClient.connect(c.nodes[0]!.url, channelId, { headers: c.newUser().headers });
    for (let i = 0; i < 5; i++) expect((await sender.send(`m${i}`)).type).toBe('ack');
    await c.probe.waitFor(
      (m) =>
        m.event?.type === 'chat.message' &&
        (m.event.data as { channelId: string; seq: number }).channelId === channelId &&
        (m.event.data as { seq: number }).seq === 5,
    );
    const mine = c.probe.messages.filter(
      (m) => m.topic === 'chat.messages' && (m.event?.data as { channelId?: string })?.channelId === channelId,
    );
    expect(mine.every((m) => m.key === channelId)).toBe(true);
    expect(mine.map((m) => (m.event!.data as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5]);
    expect(mine[0]!.event!.data).toMatchObject({ text: 'm0', user: { role: 'viewer' } });
    sender.close();
  });
});

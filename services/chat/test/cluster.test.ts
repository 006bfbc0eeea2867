import { Topics } from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type Frame } from './support/chat-client.ts';
import { type ChatCluster, startChatCluster } from './support/chat-cluster.ts';

describe('chat across two real instances (real Redis, Kafka, PostgreSQL)', () => {
  let c: ChatCluster;
  beforeAll(async () => {
    c = await startChatCluster({
      nodes: 2,
      env: { CHAT_FEED_RECENT_EVENTS: '100', CHAT_PRESENCE_SNAPSHOT_SECONDS: '2', CHAT_RATE_MESSAGES: '1000' },
    });
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

  /** Every event a client saw (history and live, across reconnects): must be 1..n exactly once. */
  const expectContiguous = (seqs: number[], n: number) =>
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));

  it('resumes with ?since= from memory, from the log, and resets for a seq the channel never reached', async () => {
    const { channelId } = c.newChannel();
    // Three senders: one connection may send at most 100 frames per 10 s (flood guard).
    const senders = await Promise.all(
      [0, 1, 2].map(() => ChatClient.connect(c.nodes[0]!.url, channelId, { headers: c.newUser().headers })),
    );
    for (let i = 1; i <= 130; i++) expect((await senders[i % 3]!.send(`m${i}`)).seq).toBe(i);
    // Memory holds the last 100 events here: since=120 comes from memory, since=5 from the log.
    const near = await ChatClient.connect(c.nodes[1]!.url, channelId, { since: 120 });
    expect(near.welcome.seq).toBe(130);
    expect(near.seqs()).toEqual(Array.from({ length: 10 }, (_, i) => 121 + i));
    const far = await ChatClient.connect(c.nodes[1]!.url, channelId, { since: 5 });
    expect(far.seqs()).toEqual(Array.from({ length: 125 }, (_, i) => 6 + i));
    expect(far.welcome.reset).toBeUndefined();
    const current = await ChatClient.connect(c.nodes[0]!.url, channelId, { since: 130 });
    expect(current.welcome.history).toEqual([]);
    const future = await ChatClient.connect(c.nodes[0]!.url, channelId, { since: 999 });
    expect(future.welcome.reset).toBe(true);
    expect(future.seqs()).toEqual(Array.from({ length: 50 }, (_, i) => 81 + i));
    // Without since: the last 50 messages.
    const fresh = await ChatClient.connect(c.nodes[1]!.url, channelId);
    expect(fresh.seqs()).toEqual(Array.from({ length: 50 }, (_, i) => 81 + i));
    for (const client of [...senders, near, far, current, future, fresh]) client.close();
  });

  it('a client joining in the middle of a burst sees history and live events meet, no gap, no duplicate', async () => {
    const { channelId } = c.newChannel();
    const senders = await Promise.all(
      [0, 1].map((i) => ChatClient.connect(c.nodes[i]!.url, channelId, { headers: c.newUser().headers })),
    );
    const burst = Promise.all(
      senders.map(async (s, k) => {
        for (let i = 0; i < 40; i++) await s.send(`burst ${k}-${i}`);
      }),
    );
    const joiners: ChatClient[] = [];
    for (let i = 0; i < 6; i++) {
      await waitFor(() => senders[0]!.frames.filter((f) => f.type === 'ack').length >= i * 6);
      joiners.push(await ChatClient.connect(c.nodes[i % 2]!.url, channelId, { since: 0 }));
    }
    await burst;
    for (const joiner of joiners) {
      await joiner.next((f) => f.seq === 80);
      expectContiguous(joiner.seqs(), 80);
    }
    for (const client of [...senders, ...joiners]) client.close();
  });

  it('picks up nickname changes from user.events, and announces presence on chat.presence', async () => {
    const { channelId } = c.newChannel();
    const user = c.newUser('before');
    const client = await ChatClient.connect(c.nodes[1]!.url, channelId, { headers: user.headers });
    const anonymous = await ChatClient.connect(c.nodes[1]!.url, channelId);
    const join = await c.probe.waitFor(
      (m) => m.event?.type === 'join' && (m.event.data as { channelId: string }).channelId === channelId,
    );
    expect(join.event!.data).toMatchObject({ member: { userId: user.userId, nickname: 'before', role: 'viewer' } });
    const snapshot = await c.probe.waitFor(
      (m) =>
        m.event?.type === 'presence.snapshot' &&
        (m.event.data as { channelId: string; anonymous: number }).channelId === channelId &&
        (m.event.data as { anonymous: number }).anonymous === 1,
    );
    expect(snapshot.key).toBe(channelId);
    expect((snapshot.event!.data as { members: unknown[] }).members).toHaveLength(1);

    await c.producer.publish(Topics.userEvents, 'user.updated', { userId: user.userId, nickname: 'after' });
    await waitFor(async () => {
      const ack = await client.send(`who am i ${Date.now()}`);
      const message = await client.next((f) => f.type === 'message' && f.seq === ack.seq);
      return (message.user as { nickname: string }).nickname === 'after';
    });
    client.close();
    const leave = await c.probe.waitFor(
      (m) => m.event?.type === 'leave' && (m.event.data as { channelId: string }).channelId === channelId,
    );
    expect(leave.event!.data).toMatchObject({ userId: user.userId });
    anonymous.close();
  });

  it('keeps sending while Kafka is away, and relays every acknowledged message once it is back', async () => {
    const { channelId } = c.newChannel();
    const prefix = `${c.prefix}nokafka:`;
    const offline = await c.start({ CHAT_REDIS_KEY_PREFIX: prefix, KAFKA_BROKERS: '127.0.0.1:1' });
    try {
      const client = await ChatClient.connect(offline.url, channelId, { headers: c.newUser().headers });
      const acks = [];
      for (let i = 0; i < 5; i++) acks.push(await client.send(`offline ${i}`));
      expect(acks.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5]);
      const health = (await (await fetch(`${offline.url}/health`)).json()) as { status: string };
      expect(health.status).toBe('up');
      const online = await c.start({ CHAT_REDIS_KEY_PREFIX: prefix });
      try {
        await c.probe.waitFor(
          (m) =>
            m.event?.type === 'chat.message' &&
            (m.event.data as { channelId: string; seq: number }).channelId === channelId &&
            (m.event.data as { seq: number }).seq === 5,
          30_000,
        );
        const seqs = c.probe.messages
          .filter((m) => (m.event?.data as { channelId?: string })?.channelId === channelId)
          .map((m) => (m.event!.data as { seq: number }).seq);
        expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      } finally {
        await online.stop();
      }
      client.close();
    } finally {
      await offline.stop();
    }
  }, 240_000);

  it('kill -9 of a node mid-burst: its clients resume on the other node with since, no gap; nothing acked is lost', async () => {
    const { channelId } = c.newChannel();
    const victim = await c.start();
    const survivor = c.nodes[0]!;
    const reader = await ChatClient.connect(victim.url, channelId);
    const steady = await ChatClient.connect(survivor.url, channelId);
    const senderOnVictim = await ChatClient.connect(victim.url, channelId, { headers: c.newUser().headers });
    const senderOnSurvivor = await ChatClient.connect(survivor.url, channelId, { headers: c.newUser().headers });
    const acked: number[] = [];
    let stop = false;
    const burst = (s: ChatClient) =>
      (async () => {
        for (let i = 0; !stop && s.closeCode === undefined; i++) {
          const reply = await s.send(`burst ${i}`).catch(() => undefined);
          if (reply?.type === 'ack') acked.push(reply.seq as number);
        }
      })();
    const bursts = [burst(senderOnVictim), burst(senderOnSurvivor)];
    await waitFor(() => acked.length >= 30);
    victim.child.kill('SIGKILL');
    await reader.closed();
    // The reader reconnects (through the gateway it would land on a live node) with its last seq.
    const lastSeen = Math.max(0, ...reader.seqs());
    const resumed = await ChatClient.connect(survivor.url, channelId, { since: lastSeen });
    await waitFor(() => acked.length >= 60);
    stop = true;
    await Promise.all(bursts);
    const top = Math.max(...acked);
    await resumed.next((f) => f.seq === top);
    await steady.next((f) => f.seq === top);
    expectContiguous([...reader.seqs(), ...resumed.seqs()], top);
    expectContiguous(steady.seqs(), top);
    // Every acknowledged seq is a message every survivor saw.
    for (const seq of acked) expect(steady.seqs()).toContain(seq);
    await victim.stop().catch(() => null);
    for (const client of [steady, senderOnSurvivor, resumed]) client.close();
  }, 240_000);

  it('bounds connections per user across nodes; a killed node stops counting once its heartbeat expires', async () => {
    const { channelId } = c.newChannel();
    const user = c.newUser();
    // A node of its own whose heartbeat lapses after 2 s (the default is 15).
    const victim = await c.start({ CHAT_CONNECTIONS_NODE_ALIVE_SECONDS: '2' });
    const survivor = c.nodes[0]!;
    const connect = (url: string) => ChatClient.connect(url, channelId, { headers: user.headers });
    const onVictim = [];
    const onSurvivor = [];
    for (let i = 0; i < 5; i++) onVictim.push(await connect(victim.url));
    for (let i = 0; i < 5; i++) onSurvivor.push(await connect(survivor.url));
    // 10 per user in all: the 11th is refused on every node, though each holds only 5.
    for (const url of [survivor.url, c.nodes[1]!.url, victim.url]) {
      expect(await ChatClient.refusal(url, `/ws/chat/${channelId}`, { headers: user.headers })).toMatchObject({
        status: 429,
        body: { code: 'TOO_MANY_CONNECTIONS' },
      });
    }
    // A close frees a place on any node.
    onSurvivor.pop()!.close();
    await waitFor(async () => {
      try {
        onSurvivor.push(await connect(c.nodes[1]!.url));
        return true;
      } catch {
        return false;
      }
    });
    victim.child.kill('SIGKILL');
    await Promise.all(onVictim.map((client) => client.closed()));
    // The dead node's five stop counting: five more fit, the sixth does not.
    await waitFor(
      async () => {
        try {
          onSurvivor.push(await connect(survivor.url));
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 20_000, what: 'the dead node to stop counting' },
    );
    for (let i = 0; i < 4; i++) onSurvivor.push(await connect(survivor.url));
    expect(await ChatClient.refusal(survivor.url, `/ws/chat/${channelId}`, { headers: user.headers })).toMatchObject({
      status: 429,
    });
    await victim.stop().catch(() => null);
    for (const client of onSurvivor) client.close();
  }, 240_000);
});

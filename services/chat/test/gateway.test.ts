import { CHAT_BEARER_SUBPROTOCOL_PREFIX, CHAT_SUBPROTOCOL } from '@phzzk/contracts';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from './support/chat-client.ts';
import { type ChatCluster, startChatCluster } from './support/chat-cluster.ts';
import { startGatewayFor } from './support/gateway.ts';

// Chat as clients reach it: through the real gateway, which authenticates the upgrade.
describe('chat behind the real gateway (two real instances)', () => {
  let c: ChatCluster;
  let gw: Awaited<ReturnType<typeof startGatewayFor>>;
  beforeAll(async () => {
    c = await startChatCluster({ nodes: 2 });
    gw = await startGatewayFor(
      c.nodes.map((n) => n.url),
      c.infra.redisUrl,
    );
  }, 300_000);
  afterAll(async () => {
    await gw?.stop();
    await c?.stop();
  });

  it('chats both ways through the gateway (in front of two instances) with Bearer tokens', async () => {
    const { channelId } = c.newChannel();
    const alice = c.newUser('alice');
    const bob = c.newUser('bob');
    const a = await ChatClient.connect(gw.url, channelId, {
      headers: { authorization: `Bearer ${await gw.token(alice.userId)}` },
    });
    const b = await ChatClient.connect(gw.url, channelId, {
      headers: { authorization: `Bearer ${await gw.token(bob.userId)}` },
    });
    expect(a.ws.protocol).toBe(CHAT_SUBPROTOCOL);
    expect(a.welcome.user).toEqual({ id: alice.userId, nickname: 'alice', role: 'viewer' });
    expect(b.welcome.user).toMatchObject({ id: bob.userId, nickname: 'bob' });
    expect(await a.send('hi bob')).toMatchObject({ type: 'ack', seq: 1 });
    expect(await b.send('hi alice')).toMatchObject({ type: 'ack', seq: 2 });
    for (const client of [a, b]) {
      await client.next((f) => f.type === 'message' && f.seq === 2);
      expect(client.events().map((e) => [e.seq, e.text])).toEqual([
        [1, 'hi bob'],
        [2, 'hi alice'],
      ]);
    }
    a.close();
    b.close();
  });

  it('a forged identity header from a client is dropped: the connection is anonymous', async () => {
    const { channelId } = c.newChannel();
    const forger = await ChatClient.connect(gw.url, channelId, { headers: { 'x-phzzk-user-id': uuidv7() } });
    expect(forger.welcome.user).toBeNull();
    expect(await forger.send('as someone else')).toMatchObject({ code: 'UNAUTHENTICATED' });
    forger.close();
  });

  it('a bad token is refused with 401 before the upgrade; an unknown channel with 404', async () => {
    const { channelId } = c.newChannel();
    const bad = await ChatClient.refusal(gw.url, `/ws/chat/${channelId}`, {
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(bad.status).toBe(401);
    expect((await ChatClient.refusal(gw.url, `/ws/chat/${uuidv7()}`)).status).toBe(404);
  });

  it('a browser token as the phzzk.bearer.{token} subprotocol: verified by the gateway, 401 when bad', async () => {
    const { channelId } = c.newChannel();
    const user = c.newUser();
    const good = await ChatClient.connect(gw.url, channelId, {
      protocols: [CHAT_SUBPROTOCOL, `${CHAT_BEARER_SUBPROTOCOL_PREFIX}${await gw.token(user.userId)}`],
    });
    expect(good.ws.protocol).toBe(CHAT_SUBPROTOCOL);
    expect(good.welcome.user).toMatchObject({ id: user.userId });
    good.close();
    const bad = await ChatClient.refusal(gw.url, `/ws/chat/${channelId}`, {
      protocols: [CHAT_SUBPROTOCOL, `${CHAT_BEARER_SUBPROTOCOL_PREFIX}not.a.token`],
    });
    expect(bad.status).toBe(401);
  });
});

import { CHAT_BEARER_SUBPROTOCOL_PREFIX, CHAT_SUBPROTOCOL } from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startChatProtocolServer } from '../../test/support/chat-protocol-server.ts';
import { ChatConnection, type ChatStatus } from './chat-connection.ts';
import { applyEvents, applyWelcome, type ChatLog, emptyChatLog } from './chat-log.ts';

// The connection against a real WebSocket server speaking phzzk.chat.v1 (frames from the contracts).
const CHANNEL = '0190c2d6-0000-7000-8000-0000000000aa';
const OWNER = '0190c2d6-0000-7000-8000-0000000000bb';
const jwt = (sub: string) => `e30.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.sig`;

async function server() {
  const s = await startChatProtocolServer({
    lookup: { nickname: async () => 'kim', ownerOf: async () => OWNER },
    rejectWhen: (text) => (text === 'too fast' ? { code: 'SLOW_MODE', retryAfterMs: 2500 } : undefined),
  });
  cleanup.push(() => s.close());
  return { ...s, ws: `ws://127.0.0.1:${s.port}/ws/chat/${CHANNEL}` };
}

function client(url: string, token: string | undefined) {
  let log: ChatLog = emptyChatLog();
  const statuses: ChatStatus[] = [];
  const acks: string[] = [];
  const errors: { code: string; retryAfterMs?: number | undefined }[] = [];
  const connection = new ChatConnection({
    url,
    protocol: { subprotocol: CHAT_SUBPROTOCOL, bearerPrefix: CHAT_BEARER_SUBPROTOCOL_PREFIX },
    token: async () => token,
    lastSeq: () => log.lastSeq,
    backoffMs: { initial: 20, max: 100 },
    on: {
      welcome: (frame, resumed) => {
        log = applyWelcome(log, frame, resumed);
      },
      events: (events) => {
        log = applyEvents(log, events);
      },
      ack: (nonce) => acks.push(nonce),
      error: (frame) => errors.push({ code: frame.code, retryAfterMs: frame.retryAfterMs }),
      status: (s) => statuses.push(s),
    },
  });
  connection.start();
  cleanup.push(() => connection.close());
  return { connection, statuses, acks, errors, log: () => log };
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('chat connection (phzzk.chat.v1)', () => {
  it('offers the token as the second subprotocol, gets the history, sends and is acked', async () => {
    const s = await server();
    s.say(CHANNEL, 'hello');
    const token = jwt(OWNER);
    const c = client(s.ws, token);
    await waitFor(() => c.statuses.includes('open'), { what: 'welcome' });
    expect(s.connections[0]?.protocols).toEqual([CHAT_SUBPROTOCOL, `${CHAT_BEARER_SUBPROTOCOL_PREFIX}${token}`]);
    expect(c.connection.user).toEqual({ id: OWNER, nickname: 'kim', role: 'owner' });
    expect(c.log().lines.map((l) => l.text)).toEqual(['hello']);
    expect(c.connection.send('<b>bold</b>', 'n1')).toBe(true);
    await waitFor(() => c.acks.includes('n1'), { what: 'the ack' });
    await waitFor(() => c.log().lines.length === 2, { what: 'the echoed message' });
    expect(c.log().lines[1]?.text).toBe('<b>bold</b>');
  });

  it('reads anonymously without a bearer subprotocol; a send is refused with an error frame', async () => {
    const s = await server();
    const c = client(s.ws, undefined);
    await waitFor(() => c.statuses.includes('open'), { what: 'welcome' });
    expect(s.connections[0]?.protocols).toEqual([CHAT_SUBPROTOCOL]);
    expect(c.connection.user).toBeNull();
    c.connection.send('hi', 'n2');
    await waitFor(() => c.errors.length === 1, { what: 'the error' });
    expect(c.errors[0]?.code).toBe('UNAUTHENTICATED');
  });

  it('passes a slow-mode error with its retry time', async () => {
    const s = await server();
    const c = client(s.ws, jwt(OWNER));
    await waitFor(() => c.statuses.includes('open'), { what: 'welcome' });
    c.connection.send('too fast', 'n3');
    await waitFor(() => c.errors.length === 1, { what: 'the error' });
    expect(c.errors[0]).toEqual({ code: 'SLOW_MODE', retryAfterMs: 2500 });
  });

  it('reconnects after a drop with ?since= and shows what it missed exactly once', async () => {
    const s = await server();
    for (const text of ['a', 'b', 'c']) s.say(CHANNEL, text);
    const c = client(s.ws, jwt(OWNER));
    await waitFor(() => c.log().lastSeq === 3, { what: 'the history' });
    s.repeatNextResume(); // the server repeats the last event seen: it must not show twice
    s.dropAll();
    await waitFor(() => c.statuses.includes('reconnecting'), { what: 'the drop to be noticed' });
    s.say(CHANNEL, 'd'); // sent while the client was away
    await waitFor(() => s.connections.length === 2 && c.log().lastSeq === 4, { what: 'the resume', timeoutMs: 5000 });
    expect(s.connections[1]?.url).toContain('?since=3');
    s.say(CHANNEL, 'e');
    await waitFor(() => c.log().lastSeq === 5, { what: 'a live event after the resume' });
    expect(c.log().lines.map((l) => l.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('does not reconnect after close()', async () => {
    const s = await server();
    const c = client(s.ws, undefined);
    await waitFor(() => c.statuses.includes('open'), { what: 'welcome' });
    c.connection.close();
    s.say(CHANNEL, 'after close');
    // A reconnect would come within the 20-100 ms backoff; give it several times that.
    await new Promise((r) => setTimeout(r, 300));
    expect(s.connections).toHaveLength(1);
    expect(c.statuses.at(-1)).toBe('closed');
  });
});

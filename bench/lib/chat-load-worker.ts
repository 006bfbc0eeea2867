// One process of the chat benchmark's load generator (see chat-load-fleet.ts): holds its share of
// the clients of one system under test (chat through the gateway, bare `ws`, socket.io), sends
// from its senders (paced or closed-loop), times every delivery against the send time carried in
// the text, and for chat keeps each client's last seq: after a close it resumes with `?since=` and
// counts gaps and duplicates. Driven over IPC, one command at a time.
import { io as connectSocketIo, type Socket as SocketIoSocket } from 'socket.io-client';
import WebSocket from 'ws';
import type { FleetCommand, FleetReply, SystemKind } from './chat-load-protocol.ts';
import { LatencyHistogram } from './latency-histogram.ts';

const now = () => performance.timeOrigin + performance.now();

/** What a client sends: `t:<send time>:<sender index>`, echoed inside every delivery. */
const textOf = (sender: number) => `t:${now()}:${sender}`;

interface Client {
  index: number;
  url: string;
  headers: Record<string, string>;
  /** Index among this process's senders, or -1. */
  sender: number;
  ws?: WebSocket;
  sio?: SocketIoSocket;
  lastSeq: number;
  open: boolean;
  resuming: boolean;
}

let kind: SystemKind = 'bare';
let clients: Client[] = [];
let histogram = new LatencyHistogram();
let deliveries = 0;
let sent = 0;
let errors = 0;
let closed = 0;
let resumed = 0;
let gaps = 0;
let duplicates = 0;
let lastResumeAt = 0;
let resume = false;
let running: { stop: () => void } | undefined;
/** Closed loop: messages of each sender not yet seen back. */
let inFlight: number[] = [];
let loopWindow = 0;

function onText(client: Client, text: string, at: number): void {
  const sentAt = Number(text.slice(2, text.indexOf(':', 2)));
  histogram.record(at - sentAt);
  deliveries++;
  if (loopWindow > 0 && client.sender >= 0) {
    const from = Number(text.slice(text.lastIndexOf(':') + 1));
    if (from === client.sender) {
      inFlight[from] = (inFlight[from] ?? 1) - 1;
      refill(client);
    }
  }
}

function onSeq(client: Client, seq: number): void {
  if (seq <= client.lastSeq) duplicates++;
  else if (seq > client.lastSeq + 1) gaps += seq - client.lastSeq - 1;
  client.lastSeq = Math.max(client.lastSeq, seq);
}

/** Chat frames: string searches for the hot path, JSON only for the welcome. */
function onChatFrame(client: Client, s: string, resolve: () => void): void {
  const at = now();
  if (s.startsWith('{"type":"welcome"')) {
    const welcome = JSON.parse(s) as { seq: number; reset?: boolean; history: { seq: number }[] };
    if (client.resuming) {
      if (welcome.reset) gaps++;
      else for (const event of welcome.history) onSeq(client, event.seq);
      if (welcome.seq > client.lastSeq) gaps += welcome.seq - client.lastSeq;
      client.lastSeq = Math.max(client.lastSeq, welcome.seq);
      client.resuming = false;
      resumed++;
      lastResumeAt = Date.now();
    } else client.lastSeq = welcome.seq;
    client.open = true;
    resolve();
    return;
  }
  if (s.startsWith('{"type":"ack"') || s.startsWith('{"type":"pong"')) return;
  if (s.startsWith('{"type":"error"')) {
    errors++;
    return;
  }
  const seqAt = s.indexOf('"seq":');
  if (seqAt >= 0) onSeq(client, Number.parseInt(s.slice(seqAt + 6, seqAt + 22), 10));
  const textAt = s.indexOf('"text":"t:');
  if (textAt >= 0 && s.startsWith('{"type":"message"'))
    onText(client, s.slice(textAt + 8, s.indexOf('"', textAt + 8)), at);
}

function connectWs(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    const url =
      kind === 'chat' && client.resuming
        ? `${client.url}${client.url.includes('?') ? '&' : '?'}since=${client.lastSeq}`
        : client.url;
    const ws = new WebSocket(url, kind === 'chat' ? ['phzzk.chat.v1'] : [], {
      headers: client.headers,
      perMessageDeflate: false,
    });
    client.ws = ws;
    // An attempt that hangs (no answer, no welcome) is given up, so that the client tries again.
    const giveUp = setTimeout(() => {
      ws.terminate();
      reject(new Error('no welcome within 20 s'));
    }, 20_000);
    ws.once('close', () => clearTimeout(giveUp));
    const done = () => {
      clearTimeout(giveUp);
      resolve();
    };
    ws.on('message', (data) => {
      const s = data.toString();
      if (kind === 'chat') onChatFrame(client, s, done);
      else {
        const at = now();
        const textAt = s.indexOf('"text":"t:');
        if (textAt >= 0) onText(client, s.slice(textAt + 8, s.indexOf('"', textAt + 8)), at);
      }
    });
    ws.once('open', () => {
      if (kind !== 'chat') {
        client.open = true;
        done();
      }
    });
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
    ws.on('error', (error) => reject(error));
    ws.on('close', () => {
      const wasOpen = client.open;
      client.open = false;
      if (!wasOpen) return reject(new Error('closed before the welcome'));
      closed++;
      if (resume && kind === 'chat') {
        client.resuming = true;
        void reconnect(client);
      }
    });
  });
}

/** Back to the gateway with `since` until it works, with jitter so the storm is not one instant. */
async function reconnect(client: Client): Promise<void> {
  for (let attempt = 0; resume; attempt++) {
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(2000, 100 * 2 ** attempt)));
    try {
      await connectWs(client);
      return;
    } catch {
      // the gateway may still pick the dead instance once, or refuse: try again
    }
  }
}

function connectSocketIoClient(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectSocketIo(client.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    client.sio = socket;
    socket.on('message', (body: { text?: string }) => {
      const at = now();
      if (typeof body.text === 'string' && body.text.startsWith('t:')) onText(client, body.text, at);
    });
    socket.once('connect', () => {
      client.open = true;
      resolve();
    });
    socket.once('connect_error', reject);
    socket.on('disconnect', () => {
      if (client.open) closed++;
      client.open = false;
    });
  });
}

function send(client: Client): void {
  const text = textOf(client.sender);
  sent++;
  if (kind === 'socketio') client.sio?.emit('send', { text, nonce: `n${sent}` });
  else if (client.open) client.ws?.send(JSON.stringify({ type: 'send', text, nonce: `n${sent}` }));
}

function refill(client: Client): void {
  while (loopWindow > 0 && (inFlight[client.sender] ?? 0) < loopWindow) {
    inFlight[client.sender] = (inFlight[client.sender] ?? 0) + 1;
    send(client);
  }
}

async function connectAll(command: Extract<FleetCommand, { op: 'connect' }>): Promise<FleetReply> {
  kind = command.kind;
  clients = Array.from({ length: command.clients }, (_, index) => ({
    index,
    url: command.urls[(command.offset + index) % command.urls.length]!,
    headers: command.senderHeaders[index] ?? {},
    sender: index < command.senderHeaders.length ? index : -1,
    lastSeq: 0,
    open: false,
    resuming: false,
  }));
  let failed = 0;
  const reasons = new Set<string>();
  const started = Date.now();
  for (let i = 0; i < clients.length; i += command.concurrency) {
    const batch = clients.slice(i, i + command.concurrency);
    const results = await Promise.allSettled(
      batch.map((c) => (kind === 'socketio' ? connectSocketIoClient(c) : connectWs(c))),
    );
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      failed++;
      reasons.add(String((r.reason as Error)?.message ?? r.reason));
    }
  }
  return {
    op: 'connected',
    connected: clients.filter((c) => c.open).length,
    failed,
    reasons: [...reasons].slice(0, 5),
    ms: Date.now() - started,
  };
}

function report(): FleetReply {
  return {
    op: 'report',
    histogram: histogram.toJSON(),
    deliveries,
    sent,
    errors,
    closed,
    resumed,
    gaps,
    duplicates,
    lastResumeAt,
    open: clients.filter((c) => c.open).length,
  };
}

async function handle(command: FleetCommand): Promise<FleetReply> {
  switch (command.op) {
    case 'connect':
      return connectAll(command);
    case 'reset':
      histogram = new LatencyHistogram();
      deliveries = sent = errors = closed = resumed = gaps = duplicates = lastResumeAt = 0;
      return { op: 'ok' };
    case 'paced': {
      // This process's senders share `rate` messages/s, round-robin, until stopped.
      const senders = clients.filter((c) => c.sender >= 0);
      if (senders.length === 0 || command.rate <= 0) return { op: 'ok' };
      let n = 0;
      const startedAt = now();
      let timer: NodeJS.Timeout | undefined;
      const tick = () => {
        // Catch up on the schedule (timers run late on a loaded machine) rather than drift.
        const due = Math.floor(((now() - startedAt) / 1000) * command.rate);
        while (n <= due) send(senders[n++ % senders.length]!);
        timer = setTimeout(tick, Math.max(1, startedAt + (n * 1000) / command.rate - now()));
      };
      tick();
      running = { stop: () => clearTimeout(timer) };
      return { op: 'ok' };
    }
    case 'saturate': {
      loopWindow = command.window;
      inFlight = [];
      for (const client of clients) if (client.sender >= 0) refill(client);
      running = { stop: () => (loopWindow = 0) };
      return { op: 'ok' };
    }
    case 'stop':
      running?.stop();
      running = undefined;
      return { op: 'ok' };
    case 'resume':
      resume = command.on;
      return { op: 'ok' };
    case 'report':
      return report();
    case 'close':
      resume = false;
      for (const c of clients) {
        c.ws?.terminate();
        c.sio?.disconnect();
      }
      clients = [];
      return { op: 'ok' };
  }
}

process.on('message', (command: FleetCommand) => {
  handle(command).then(
    (reply) => process.send?.(reply),
    (error: Error) => process.send?.({ op: 'failed', error: error.message } satisfies FleetReply),
  );
});
process.on('disconnect', () => process.exit(0));

import { describe, expect, it } from 'vitest';
import { type Admission, type Grant, IngestSessions } from './ingest-sessions.ts';
import type { KeyCheck, LiveLocks, RenewResult, StreamEndedData, StreamStartedData } from './ports.ts';
import type { MediaFacts } from './tracks.ts';

const CHANNEL = '01900000-0000-7000-8000-000000000001';
const KEY = 'live_good';

function world(options: { key?: KeyCheck; lockError?: boolean; ready?: boolean } = {}) {
  const held = new Map<string, string>();
  let renewResult: RenewResult | 'throw' = 'renewed';
  const locks: LiveLocks = {
    async acquire(channelId, sessionId) {
      if (options.lockError) throw new Error('redis away');
      if (held.has(channelId)) return false;
      held.set(channelId, sessionId);
      return true;
    },
    async renew() {
      if (renewResult === 'throw') throw new Error('redis away');
      return renewResult;
    },
    async release(channelId, sessionId) {
      if (held.get(channelId) === sessionId) held.delete(channelId);
    },
  };
  const started: StreamStartedData[] = [];
  const ended: StreamEndedData[] = [];
  const rejections: string[] = [];
  let n = 0;
  const sessions = new IngestSessions({
    keys: {
      async authorize(streamKey) {
        return options.key ?? (streamKey === KEY ? { kind: 'ok', channelId: CHANNEL } : { kind: 'unknown' });
      },
    },
    locks,
    events: { started: (d) => started.push(d), ended: (d) => ended.push(d) },
    observer: { rejected: (r) => rejections.push(r), ended: () => {} },
    ingestNode: 'ingest-1',
    sourceUrl: (id) => (options.ready === false ? undefined : `http://127.0.0.1:1/internal/sessions/${id}/source.flv`),
    newSessionId: () => `01900000-0000-7000-8000-00000000000${++n}`,
  });
  return {
    sessions,
    held,
    started,
    ended,
    rejections,
    setRenew: (r: RenewResult | 'throw') => {
      renewResult = r;
    },
  };
}

const signal = () => new AbortController().signal;
const granted = (a: Admission): Grant => {
  if (!a.allow) throw new Error(`refused: ${a.reason}`);
  return a.grant;
};
const media: MediaFacts = {
  metadata: { audiocodecid: 10 },
  video: undefined,
  audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
  mediaElapsedMs: 0,
};

describe('IngestSessions', () => {
  it('admits a known key once per channel and refuses the rest with the right status', async () => {
    const w = world();
    const first = granted(await w.sessions.admit({ app: 'live', streamKey: KEY }, signal()));
    expect(w.held.get(CHANNEL)).toBe(first.sessionId);
    expect(await w.sessions.admit({ app: 'live', streamKey: KEY }, signal())).toMatchObject({
      allow: false,
      code: 'BadName',
      reason: 'already-live',
    });
    expect(await w.sessions.admit({ app: 'live', streamKey: 'live_other' }, signal())).toMatchObject({
      code: 'BadName',
      reason: 'unknown-key',
    });
    expect(await w.sessions.admit({ app: 'vod', streamKey: KEY }, signal())).toMatchObject({
      code: 'Rejected',
      reason: 'bad-app',
    });
    expect(await w.sessions.admit({ app: 'live', streamKey: 'x'.repeat(600) }, signal())).toMatchObject({
      code: 'BadName',
      reason: 'bad-key',
    });
    expect(w.rejections).toEqual(['already-live', 'unknown-key', 'bad-app', 'bad-key']);
  });

  it('refuses with Rejected when the key cannot be checked or locked, or before the HTTP side listens', async () => {
    const down = world({ key: { kind: 'unavailable', detail: 'connection refused' } });
    expect(await down.sessions.admit({ app: 'live', streamKey: KEY }, signal())).toMatchObject({
      code: 'Rejected',
      reason: 'channel-unavailable',
    });
    const noRedis = world({ lockError: true });
    expect(await noRedis.sessions.admit({ app: 'live', streamKey: KEY }, signal())).toMatchObject({
      code: 'Rejected',
      reason: 'lock-unavailable',
    });
    const early = world({ ready: false });
    expect(await early.sessions.admit({ app: 'live', streamKey: KEY }, signal())).toMatchObject({
      code: 'Rejected',
      reason: 'not-ready',
    });
  });

  it('frees the lock of a publish whose connection went away before it was attached', async () => {
    const w = world();
    const controller = new AbortController();
    granted(await w.sessions.admit({ app: 'live', streamKey: KEY }, controller.signal));
    controller.abort();
    await w.sessions.settled();
    expect(w.held.size).toBe(0);
  });

  it('emits stream.started when the media is known and stream.ended at the end, then frees the lock', async () => {
    const w = world();
    const grant = granted(await w.sessions.admit({ app: 'live', streamKey: KEY }, signal()));
    w.sessions.attach(grant, { kick: () => {} });
    w.sessions.observe(grant.sessionId, { ...media, audio: undefined });
    expect(w.started).toEqual([]);
    w.sessions.observe(grant.sessionId, media);
    expect(w.started).toMatchObject([{ sessionId: grant.sessionId, video: null, audio: { codec: 'aac' } }]);
    w.sessions.ended(grant.sessionId, 'unpublish');
    w.sessions.ended(grant.sessionId, 'disconnect');
    await w.sessions.settled();
    expect(w.ended).toMatchObject([{ sessionId: grant.sessionId, reason: 'unpublish' }]);
    expect(w.held.size).toBe(0);
    expect(w.sessions.list()).toEqual([]);
  });

  it('kicks the session of a rotated key, and reports key-rotated when it ends', async () => {
    const w = world();
    const grant = granted(await w.sessions.admit({ app: 'live', streamKey: KEY }, signal()));
    const kicks: string[] = [];
    w.sessions.attach(grant, { kick: (why) => kicks.push(why) });
    w.sessions.observe(grant.sessionId, media);
    expect(w.sessions.rotated('01900000-0000-7000-8000-0000000000ff')).toBe(0);
    expect(w.sessions.rotated(CHANNEL)).toBe(1);
    expect(w.sessions.rotated(CHANNEL)).toBe(0); // already being ended
    w.sessions.ended(grant.sessionId, 'kicked');
    expect(kicks).toEqual(['stream key rotated']);
    expect(w.ended[0]?.reason).toBe('key-rotated');
  });

  it('kicks a session whose lock was taken over, and keeps one through a short Redis outage', async () => {
    const w = world();
    const grant = granted(await w.sessions.admit({ app: 'live', streamKey: KEY }, signal()));
    const kicks: string[] = [];
    w.sessions.attach(grant, { kick: (why) => kicks.push(why) });
    w.setRenew('throw');
    await w.sessions.renewLocks();
    expect(kicks).toEqual([]);
    w.setRenew('lost');
    await w.sessions.renewLocks();
    expect(kicks).toEqual(['lost the channel lock']);
  });

  it('refuses new publishes and kicks late attachments once shutting down', async () => {
    const w = world();
    const grant = granted(await w.sessions.admit({ app: 'live', streamKey: KEY }, signal()));
    w.sessions.beginShutdown();
    expect(await w.sessions.admit({ app: 'live', streamKey: KEY }, signal())).toMatchObject({ reason: 'not-ready' });
    const kicks: string[] = [];
    w.sessions.attach(grant, { kick: (why) => kicks.push(why) });
    expect(kicks).toHaveLength(1);
  });
});

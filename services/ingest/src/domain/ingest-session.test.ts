import { describe, expect, it } from 'vitest';
import { keepAfterRenew } from './lock-policy.ts';
import { IngestSession, streamEndReason } from './ingest-session.ts';
import type { MediaFacts } from './tracks.ts';

const where = { ingestNode: 'ingest-1', sourceUrl: 'http://10.0.0.1:4000/internal/sessions/s/source.flv' };
const ready: MediaFacts = {
  metadata: { videocodecid: 7 },
  video: { codec: 'avc', width: 1280, height: 720, fps: 30 },
  audio: undefined,
  mediaElapsedMs: 0,
};
const at = new Date('2026-01-01T00:00:00.000Z');
const session = () => new IngestSession({ sessionId: 'sid', channelId: 'cid', acceptedAt: at });

describe('IngestSession', () => {
  it('goes live once, with the acceptance time as startedAt', () => {
    const s = session();
    expect(s.observe({ ...ready, video: undefined }, where)).toBeUndefined();
    expect(s.phase).toBe('pending');
    const started = s.observe(ready, where);
    expect(started).toMatchObject({ sessionId: 'sid', channelId: 'cid', ...where, startedAt: at.toISOString() });
    expect(s.observe(ready, where)).toBeUndefined();
    expect(s.phase).toBe('live');
  });

  it('ends once; a session that never went live ends without an event', () => {
    const live = session();
    live.observe(ready, where);
    expect(live.end('unpublish', new Date(at.getTime() + 1000))).toEqual({
      sessionId: 'sid',
      channelId: 'cid',
      endedAt: '2026-01-01T00:00:01.000Z',
      reason: 'unpublish',
    });
    expect(live.end('disconnect', at)).toBeUndefined();
    const pending = session();
    expect(pending.end('timeout', at)).toBeUndefined();
    expect(pending.phase).toBe('ended');
  });

  it('reports the reason we kicked it for, the first kick winning', () => {
    const s = session();
    s.observe(ready, where);
    expect(s.kick('key-rotated')).toBe(true);
    expect(s.kick('lock-lost')).toBe(false);
    expect(s.end('kicked', at)?.reason).toBe('key-rotated');
  });

  it('tracks a mid-stream resolution change while live', () => {
    const s = session();
    s.observe(ready, where);
    s.observe({ ...ready, video: { codec: 'avc', width: 640, height: 360, fps: 30 } }, where);
    expect(s.tracks.video).toMatchObject({ width: 640, height: 360 });
  });
});

describe('streamEndReason', () => {
  it('maps the RTMP ends and our kicks to the contract reasons', () => {
    expect(streamEndReason('unpublish', undefined)).toBe('unpublish');
    expect(streamEndReason('disconnect', undefined)).toBe('disconnect');
    expect(streamEndReason('timeout', undefined)).toBe('timeout');
    expect(streamEndReason('error', undefined)).toBe('error');
    expect(streamEndReason('shutdown', undefined)).toBe('disconnect');
    expect(streamEndReason('kicked', 'key-rotated')).toBe('key-rotated');
    expect(streamEndReason('kicked', 'lock-lost')).toBe('error');
    expect(streamEndReason('kicked', 'shutdown')).toBe('disconnect');
    // The publisher hung up while we were kicking it: still our reason.
    expect(streamEndReason('disconnect', 'key-rotated')).toBe('key-rotated');
  });
});

describe('keepAfterRenew', () => {
  const timing = { ttlMs: 5000, renewEveryMs: 1000 };
  it('keeps a renewed session, drops a lost one, and after failures only while the lock surely holds', () => {
    expect(keepAfterRenew('renewed', 0, 100_000, timing)).toBe(true);
    expect(keepAfterRenew('lost', 99_000, 100_000, timing)).toBe(false);
    expect(keepAfterRenew('failed', 97_000, 100_000, timing)).toBe(true);
    expect(keepAfterRenew('failed', 96_000, 100_000, timing)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { type ClaimPolicy, decideClaims, type LocalStream } from './claims.ts';
import type { LiveSession } from './session.ts';

const session = (channelId: string, sessionId = `s-${channelId}`): LiveSession => ({
  sessionId,
  channelId,
  sourceUrl: `http://ingest/${channelId}.flv`,
  video: null,
  audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
  startedAt: '2025-01-01T00:00:00.000Z',
});
const local = (entries: [string, LocalStream][]) => new Map(entries);
const policy: ClaimPolicy = { capacity: 3, claimsPerTick: 2, streamsPerStagger: 2 };

describe('claim decisions', () => {
  it('claims sessions this instance does not run, a few per tick', () => {
    const actions = decideClaims([session('a'), session('b'), session('c')], local([]), 0, policy);
    expect(actions).toEqual([
      { type: 'claim', session: session('a') },
      { type: 'claim', session: session('b') },
    ]);
  });

  it('finishes a live stream whose session left the hash, or was replaced by a new session', () => {
    const actions = decideClaims(
      [session('b', 'new')],
      local([
        ['a', { sessionId: 's-a', phase: 'live' }],
        ['b', { sessionId: 'old', phase: 'live' }],
      ]),
      0,
      policy,
    );
    expect(actions).toEqual([
      { type: 'finish', channelId: 'a', sessionId: 's-a', reason: 'ended' },
      { type: 'finish', channelId: 'b', sessionId: 'old', reason: 'replaced' },
    ]);
  });

  it('waits for a finishing stream, then claims the new session over the lingering one', () => {
    const next = session('a', 'second');
    expect(decideClaims([next], local([['a', { sessionId: 'first', phase: 'ending' }]]), 0, policy)).toEqual([]);
    expect(decideClaims([next], local([['a', { sessionId: 'first', phase: 'ended' }]]), 0, policy)).toEqual([
      { type: 'claim', session: next },
    ]);
    expect(decideClaims([next], local([['a', { sessionId: 'second', phase: 'ended' }]]), 0, policy)).toEqual([]);
  });

  it('respects capacity, and a busy instance claims less often than an idle one', () => {
    const busy = local([
      ['x', { sessionId: 's-x', phase: 'live' }],
      ['y', { sessionId: 's-y', phase: 'live' }],
    ]);
    const sessions = [session('x'), session('y'), session('a'), session('b')];
    // 2 live, streamsPerStagger 2: tries every 2nd tick, and only one slot is left.
    expect(decideClaims(sessions, busy, 1, policy)).toEqual([]);
    expect(decideClaims(sessions, busy, 2, policy)).toEqual([{ type: 'claim', session: session('a') }]);
    const full = local([...busy, ['z', { sessionId: 's-z', phase: 'live' }] as [string, LocalStream]]);
    expect(decideClaims([...sessions, session('z')], full, 0, policy)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { PresenceTracker } from './presence.ts';
import { ConnectionLimits } from './connection-limits.ts';

const member = (userId: string) => ({ userId, nickname: userId, role: 'viewer' as const });

describe('presence', () => {
  it('joins on a first connection, leaves on the last, counts anonymous readers', () => {
    const p = new PresenceTracker();
    p.add('c', member('a'));
    p.add('c', member('a'));
    p.add('c', undefined);
    expect(p.drain()).toEqual({ joins: [{ channelId: 'c', member: member('a') }], leaves: [] });
    p.remove('c', 'a');
    expect(p.drain()).toEqual({ joins: [], leaves: [] });
    expect(p.snapshot('c')).toEqual({ members: [member('a')], anonymous: 1 });
    p.remove('c', 'a');
    expect(p.drain().leaves).toEqual([{ channelId: 'c', userId: 'a' }]);
    p.remove('c', undefined);
    expect(p.channelIds()).toEqual([]);
  });

  it('a join and a leave in one batch cancel out', () => {
    const p = new PresenceTracker();
    p.add('c', member('a'));
    p.remove('c', 'a');
    expect(p.drain()).toEqual({ joins: [], leaves: [] });
  });
});

describe('connection limits', () => {
  it('bounds connections per address and per user, and releases them', () => {
    const limits = new ConnectionLimits(() => ({ perIp: 3, perUser: 2 }));
    expect(limits.admit('ip', 'u').ok).toBe(true);
    expect(limits.admit('ip', 'u').ok).toBe(true);
    expect(limits.admit('ip', 'u').ok).toBe(false);
    expect(limits.admit('ip', undefined).ok).toBe(true);
    expect(limits.admit('ip', undefined).ok).toBe(false);
    limits.release('ip', 'u');
    expect(limits.admit('other', 'u').ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { type Cursor, decodeCursor, encodeCursor, filterOf } from './directory.ts';
import { DomainError } from '@phzzk/kit/errors';

const id = '0190a6b0-0000-7000-8000-000000000001';

describe('directory cursors', () => {
  it('round-trip for each listing', () => {
    const cursors: Cursor[] = [
      { filter: 'live', viewers: 12, startedAt: '2025-01-02T03:04:05.678Z', channelId: id },
      { filter: 'all', channelId: id },
      { filter: 'offline', channelId: id },
    ];
    for (const c of cursors) {
      const text = encodeCursor(c);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(text, c.filter)).toEqual(c);
    }
  });

  it('refuse what they did not hand out, or a cursor of another listing', () => {
    const live = encodeCursor({ filter: 'live', viewers: 0, startedAt: '2025-01-02T03:04:05.678Z', channelId: id });
    const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const bad: [string, 'live' | 'all' | 'offline'][] = [
      [live, 'all'],
      [encodeCursor({ filter: 'all', channelId: id }), 'live'],
      ['bm90LWpzb24', 'all'],
      [forge(['all', 'x']), 'all'],
      [forge(['all', id, 'extra']), 'all'],
      [forge({ filter: 'all', channelId: id }), 'all'],
      [forge(['live', -1, '2025-01-02T03:04:05.678Z', id]), 'live'],
      [forge(['live', 1.5, '2025-01-02T03:04:05.678Z', id]), 'live'],
      [forge(['live', 0, 'yesterday', id]), 'live'],
      [forge(['live', 0, '2025-01-02T03:04:05.678Z', 'x']), 'live'],
    ];
    for (const [text, filter] of bad) {
      expect(() => decodeCursor(text, filter), text).toThrow(DomainError);
    }
  });

  it('map the live query parameter to a listing', () => {
    expect([filterOf(true), filterOf(false), filterOf(undefined)]).toEqual(['live', 'offline', 'all']);
  });
});

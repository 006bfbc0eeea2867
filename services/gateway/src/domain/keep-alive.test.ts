import { describe, expect, it } from 'vitest';
import { announcedTimeoutS, idleTimeoutMs } from './keep-alive.ts';

describe('keep-alive with services', () => {
  it('reads the timeout a service announces', () => {
    expect(announcedTimeoutS('timeout=72')).toBe(72);
    expect(announcedTimeoutS('timeout=5, max=1000')).toBe(5);
    expect(announcedTimeoutS('max=100, Timeout = "9"')).toBe(9);
  });

  it('ignores what is not a timeout', () => {
    for (const value of [
      '',
      'max=5',
      'timeout=',
      'timeout=-1',
      'timeout=1.5',
      'timeouts=4',
      'xtimeout=4',
      'timeout=12345678901',
    ]) {
      expect(announcedTimeoutS(value)).toBeUndefined();
    }
  });

  const policy = { defaultMs: 4000, maxMs: 60_000 };

  it('keeps a connection until a second before the service would close it, within the maximum', () => {
    expect(idleTimeoutMs(72, policy)).toBe(60_000);
    expect(idleTimeoutMs(5, policy)).toBe(4000);
    expect(idleTimeoutMs(30, policy)).toBe(29_000);
  });

  it('closes at once when the service keeps connections a second or less, and uses the default when it says nothing', () => {
    expect(idleTimeoutMs(1, policy)).toBe(0);
    expect(idleTimeoutMs(0, policy)).toBe(0);
    expect(idleTimeoutMs(undefined, policy)).toBe(4000);
  });
});

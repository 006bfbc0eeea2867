import { describe, expect, it } from 'vitest';
import { RestartBackoff } from './restart-policy.ts';

describe('RestartBackoff', () => {
  it('counts failed runs into the delay hook and starts again after a stable run', () => {
    const asked: number[] = [];
    const backoff = new RestartBackoff({
      delayMs: (attempt) => {
        asked.push(attempt);
        return 100 * 2 ** attempt;
      },
      stableRunMs: 1000,
    });
    expect([backoff.next(0), backoff.next(10), backoff.next(999)]).toEqual([100, 200, 400]);
    expect(backoff.next(1000)).toBe(100);
    expect(asked).toEqual([0, 1, 2, 0]);
  });
});

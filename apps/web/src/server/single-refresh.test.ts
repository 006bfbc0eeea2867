import { describe, expect, it } from 'vitest';
import { singleFlight } from './single-refresh.ts';

describe('singleFlight refresh', () => {
  it('trades a refresh token once for the requests that carry it together, and again after the window', async () => {
    let clock = 0;
    const calls: string[] = [];
    const trade = singleFlight(
      async (token: string) => {
        calls.push(token);
        await new Promise((r) => setTimeout(r, 5));
        return `new-for-${token}-${calls.length}`;
      },
      { windowMs: 1000, now: () => clock },
    );
    const answers = await Promise.all([trade('rt-1'), trade('rt-1'), trade('rt-1')]);
    expect(answers).toEqual(['new-for-rt-1-1', 'new-for-rt-1-1', 'new-for-rt-1-1']);
    clock = 500;
    expect(await trade('rt-1')).toBe('new-for-rt-1-1'); // a late request with the old cookie
    expect(await trade('rt-2')).toBe('new-for-rt-2-2'); // another token: its own trade
    clock = 1600;
    expect(await trade('rt-1')).toBe('new-for-rt-1-3');
    expect(calls).toEqual(['rt-1', 'rt-2', 'rt-1']);
  });

  it('forgets an answer it should not share, and a failure', async () => {
    let n = 0;
    const trade = singleFlight(
      async () => {
        n++;
        if (n === 2) throw new Error('down');
        return n === 1 ? 'unavailable' : 'refreshed';
      },
      { keep: (outcome) => outcome !== 'unavailable' },
    );
    expect(await trade('rt')).toBe('unavailable');
    await expect(trade('rt')).rejects.toThrow('down');
    expect(await trade('rt')).toBe('refreshed');
    expect(await trade('rt')).toBe('refreshed');
    expect(n).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { sharedAnswers } from './shared-answers.ts';

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('sharedAnswers', () => {
  it('shares one load among the callers of the same second, in flight and after', async () => {
    const time = clock();
    let loads = 0;
    const share = sharedAnswers<number>({ windowMs: 1000, now: time.now });
    const get = () => share('page', async () => ++loads);
    const [a, b] = await Promise.all([get(), get()]);
    time.advance(999);
    expect([a, b, await get()]).toEqual([1, 1, 1]);
    time.advance(1);
    expect(await get()).toBe(2);
    expect(loads).toBe(2);
  });

  it('keeps neither a failure nor an empty answer: the next caller loads again', async () => {
    const time = clock();
    const answers: Array<() => Promise<string | undefined>> = [
      () => Promise.reject(new Error('gateway down')),
      async () => undefined,
      async () => 'page',
    ];
    let loads = 0;
    const share = sharedAnswers<string | undefined>({
      windowMs: 1000,
      keep: (answer) => answer !== undefined,
      now: time.now,
    });
    const get = () => share('page', () => answers[loads++]!());
    await expect(get()).rejects.toThrow('gateway down');
    expect(await get()).toBeUndefined();
    expect(await get()).toBe('page');
    expect(await get()).toBe('page');
    expect(loads).toBe(3);
  });
});

import { testInfra, uniqueName } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from './redis.ts';
import { releaseIfHeld } from './redis-script.ts';

describe('releaseIfHeld (real Redis)', () => {
  let redis: ReturnType<typeof createRedis>;
  beforeAll(async () => {
    redis = createRedis((await testInfra()).redisUrl, 'kit-script-test');
  });
  afterAll(() => redis?.disconnect());

  it('deletes a lock only for its holder, never a successor’s, and says whether it did', async () => {
    const key = `phzzk:kit-test:${uniqueName('lock')}`;
    const release = releaseIfHeld(redis);
    await redis.set(key, 'successor', 'PX', 10_000);
    expect(await release(key, 'late-predecessor')).toBe(false);
    expect(await redis.get(key)).toBe('successor');
    expect(await release(key, 'successor')).toBe(true);
    expect(await redis.get(key)).toBeNull();
    expect(await release(key, 'successor')).toBe(false);
  });
});

import { testInfra } from '@phzzk/testing';
import { describe, expect, it } from 'vitest';
import { createRedis, redisHealth } from './redis.ts';

describe('redis wiring (real Redis)', () => {
  it('connects, answers health, and reports a dead endpoint as down without throwing', async () => {
    const client = createRedis((await testInfra()).redisUrl, 'kit-test');
    await client.set('phzzk:kit-test', 'ok', 'EX', 10);
    expect(await client.get('phzzk:kit-test')).toBe('ok');
    expect(await redisHealth(client)).toEqual({ ok: true });
    client.disconnect();

    const dead = createRedis('redis://127.0.0.1:1', 'kit-test-dead');
    const health = await redisHealth(dead);
    expect(health.ok).toBe(false);
    dead.disconnect();
  });
});

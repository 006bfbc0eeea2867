import type { Redis } from '@phzzk/kit';
import type { DeviceRegistry } from '../domain/ports.ts';

// Layout (P = configured prefix): P device:<sha256(device token)> = account key, with a TTL.
// Only the hash of a device token is stored: reading Redis does not hand out trusted devices.
export class RedisDeviceRegistry implements DeviceRegistry {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = `${prefix}device:`;
  }

  async accountOf(tokenHash: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + tokenHash)) ?? undefined;
  }

  async remember(tokenHash: string, accountKey: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + tokenHash, accountKey, 'EX', ttlSeconds);
  }
}

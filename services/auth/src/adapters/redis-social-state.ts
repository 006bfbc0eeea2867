import type { Redis } from '@phzzk/kit';
import type { PendingAuthorization, SocialResult, SocialStateStore } from '../domain/social-login.ts';

/** Short-lived social-login state in Redis; every "take" is GETDEL, so each value is used once. */
export class RedisSocialState implements SocialStateStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = `${prefix}social:`;
  }

  private async take<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.getdel(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  }

  async putPending(stateHash: string, pending: PendingAuthorization, ttlSeconds: number): Promise<void> {
    await this.redis.set(`${this.prefix}state:${stateHash}`, JSON.stringify(pending), 'EX', ttlSeconds);
  }

  takePending(stateHash: string): Promise<PendingAuthorization | undefined> {
    return this.take(`${this.prefix}state:${stateHash}`);
  }

  async putResult(codeHash: string, value: { result: SocialResult; bindingHash: string }, ttlSeconds: number) {
    await this.redis.set(`${this.prefix}result:${codeHash}`, JSON.stringify(value), 'EX', ttlSeconds);
  }

  takeResult(codeHash: string) {
    return this.take<{ result: SocialResult; bindingHash: string }>(`${this.prefix}result:${codeHash}`);
  }

  async isTicketUsed(jti: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}ticket-used:${jti}`)) === 1;
  }

  async markTicketUsed(jti: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`${this.prefix}ticket-used:${jti}`, '1', 'EX', ttlSeconds);
  }
}

import type { Redis } from '@phzzk/kit';
import { CLOCK_TOLERANCE_S } from './jwt-verifier.ts';

export const REVOKED_SID_PREFIX = 'phzzk:auth:revoked-sid:';
export const REVOKED_SID_CHANNEL = 'phzzk:auth:revoked-sid';

/**
 * The set of revoked session ids, kept locally so that checking a token costs no network call.
 * The auth service writes `phzzk:auth:revoked-sid:<sid>` (TTL = access token lifetime) and
 * publishes the sid; a start SCANs the keys, then the subscription keeps the set current.
 */
export class RevokedSessions {
  private readonly revoked = new Map<string, number>();
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly ttlMs: () => number;
  private ready = false;

  constructor(redis: Redis, ttlMs: () => number) {
    this.redis = redis;
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', () => {});
    this.ttlMs = ttlMs;
  }

  async start(): Promise<void> {
    this.subscriber.on('message', (_channel, sid) => this.add(sid, this.ttlMs()));
    // Reconnects re-subscribe (ioredis does) and rescan, so nothing revoked while away is missed.
    this.subscriber.on('ready', () => {
      this.scan().catch(() => {});
    });
    await this.subscriber.subscribe(REVOKED_SID_CHANNEL);
    await this.scan();
  }

  private async scan(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${REVOKED_SID_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        const ttls = await Promise.all(keys.map((k) => this.redis.pttl(k)));
        keys.forEach((k, i) => {
          this.add(k.slice(REVOKED_SID_PREFIX.length), Math.max(ttls[i] ?? 0, 1000));
        });
      }
    } while (cursor !== '0');
    this.ready = true;
  }

  private add(sid: string, ttlMs: number): void {
    // Kept past the token lifetime by the clock tolerance, during which an expired token still passes.
    this.revoked.set(sid, Date.now() + ttlMs + CLOCK_TOLERANCE_S * 1000);
  }

  has(sid: string): boolean {
    const until = this.revoked.get(sid);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.revoked.delete(sid);
      return false;
    }
    return true;
  }

  healthy(): { ok: boolean; detail?: string } {
    return this.ready && this.subscriber.status === 'ready'
      ? { ok: true, detail: `${this.revoked.size} revoked sessions` }
      : { ok: false, detail: `revocation feed ${this.subscriber.status}` };
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}

import type { ModerationStore, UserDirectory } from '../domain/ports.ts';
import { type ServiceClient, TtlCache } from './service-client.ts';

/**
 * Nicknames: first from this node's memory, then from chat's table (kept from user.events), then
 * from the user service's public profile (a user chat has not heard of yet).
 */
export class UserDirectoryAdapter implements UserDirectory {
  private readonly store: ModerationStore;
  private readonly users: ServiceClient;
  private readonly cache = new TtlCache<string | undefined>();
  private readonly ttlMs: number;

  constructor(store: ModerationStore, users: ServiceClient, ttlMs = 300_000) {
    this.store = store;
    this.users = users;
    this.ttlMs = ttlMs;
  }

  nickname(userId: string): Promise<string | undefined> {
    return this.cache.get(
      userId,
      (v) => (v ? this.ttlMs : 5000),
      async () => {
        const stored = await this.store.nickname(userId);
        if (stored) return stored;
        const profile = await this.users.get<{ nickname: string }>(`/api/users/${userId}`);
        if (profile?.nickname) await this.store.putNickname(userId, profile.nickname, new Date(0));
        return profile?.nickname;
      },
    );
  }

  /** A nickname change heard from user.events (through the control channel). */
  changed(userId: string): void {
    this.cache.delete(userId);
  }
}

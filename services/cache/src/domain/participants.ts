import type { ChatParticipants } from '@phzzk/contracts';
import type { StatsCache } from './ports.ts';
import { mergePresence } from './presence.ts';

/** Who is in a channel's chat now, from the chat nodes' presence reports. */
export class Participants {
  private readonly deps: { cache: StatsCache; now?: () => number };
  constructor(deps: { cache: StatsCache; now?: () => number }) {
    this.deps = deps;
  }

  async of(channelId: string, limit: number): Promise<ChatParticipants> {
    const { cache } = this.deps;
    const { expired, ...result } = mergePresence(
      channelId,
      await cache.presenceNodes(channelId),
      this.deps.now?.() ?? Date.now(),
      limit,
    );
    // Nodes that stopped reporting are forgotten (their members left with them).
    if (expired.length > 0) await cache.dropPresenceNodes(channelId, expired);
    return result;
  }
}

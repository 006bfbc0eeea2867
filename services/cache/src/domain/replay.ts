import type { ChatReplayPage } from '@phzzk/contracts';
import { sessionNotFound } from './errors.ts';
import type { CacheStore } from './ports.ts';

/** Most messages one replay answer carries; `nextFromSeconds` continues from there. */
export const REPLAY_PAGE = 1000;

/** A broadcast's chat for VOD replay: messages with their offset from the session's start. */
export class Replay {
  private readonly deps: { store: CacheStore; now?: () => number };
  constructor(deps: { store: CacheStore; now?: () => number }) {
    this.deps = deps;
  }

  async window(
    channelId: string,
    sessionId: string,
    fromSeconds: number,
    toSeconds: number | undefined,
  ): Promise<ChatReplayPage> {
    const session = await this.deps.store.session(channelId, sessionId);
    if (!session) throw sessionNotFound();
    const end = session.endedAt?.getTime() ?? this.deps.now?.() ?? Date.now();
    const to = Math.max(fromSeconds, toSeconds ?? (end - session.startedAt.getTime()) / 1000 + 1);
    const items = await this.deps.store.replay(session, fromSeconds, to, REPLAY_PAGE + 1);
    const more = items.length > REPLAY_PAGE;
    const page = items.slice(0, REPLAY_PAGE);
    return {
      sessionId,
      startedAt: session.startedAt.toISOString(),
      endedAt: session.endedAt?.toISOString() ?? null,
      items: page,
      // Messages sharing the boundary's instant may repeat on the next page; seq tells them apart.
      nextFromSeconds: more ? page.at(-1)!.offsetSeconds : null,
    };
  }
}

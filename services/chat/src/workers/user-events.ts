import type { Envelope } from '@phzzk/contracts';
import type { ModerationStore } from '../domain/ports.ts';

/**
 * user.events: a nickname chat shows is kept in its table (one consumer group for all nodes), and
 * every node is told (control channel) so that its connected users show the new name at once.
 */
export function userEventsHandler(deps: {
  store: Pick<ModerationStore, 'putNickname'>;
  nicknameChanged: (userId: string, nickname: string) => Promise<void>;
}) {
  return async (event: Envelope): Promise<void> => {
    if (event.type !== 'user.registered' && event.type !== 'user.updated') return;
    const data = event.data as { userId: string; nickname?: string };
    if (!data.nickname) return;
    await deps.store.putNickname(data.userId, data.nickname, new Date(event.occurredAt));
    await deps.nicknameChanged(data.userId, data.nickname);
  };
}

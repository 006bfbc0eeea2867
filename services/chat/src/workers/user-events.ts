import { Topics, type UserRegistered, type UserUpdated } from '@phzzk/contracts';
import { type Subscription, subscribe } from '@phzzk/kit';
import type { ModerationStore } from '../domain/ports.ts';

/**
 * user.events: a nickname chat shows is kept in its table (one consumer group for all nodes), and
 * every node is told (control channel) so that its connected users show the new name at once.
 */
export function userEventsSubscription(deps: {
  store: Pick<ModerationStore, 'putNickname'>;
  nicknameChanged: (userId: string, nickname: string) => Promise<void>;
}): Subscription {
  const nickname = async ({ data, occurredAt }: UserRegistered | UserUpdated): Promise<void> => {
    if (!data.nickname) return;
    await deps.store.putNickname(data.userId, data.nickname, new Date(occurredAt));
    await deps.nicknameChanged(data.userId, data.nickname);
  };
  return subscribe(Topics.userEvents, { on: { 'user.registered': nickname, 'user.updated': nickname } });
}

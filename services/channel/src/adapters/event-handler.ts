import type { StreamEnded, StreamStarted, UserRegistered, UserUpdated } from '@phzzk/contracts';
import { type Database, type EventHandler, type Logger, processOnce } from '@phzzk/kit';
import { liveInfo } from '../domain/live-info.ts';
import type { ChannelStore, IssuedStreamKey, ReadCache } from '../domain/ports.ts';
import {
  applyStreamEnded,
  applyStreamStarted,
  createChannel,
  type LiveChange,
  renameOwner,
} from './pg-event-applier.ts';

export interface EventHandlerDeps {
  db: Database;
  store: ChannelStore;
  cache: ReadCache;
  issueKey: (channelId: string) => IssuedStreamKey;
  /** Name under which processed events are recorded (the consumer group). */
  consumer: string;
  logger: Logger;
}

/**
 * Applies user.events and channel.events to channels and live sessions, once per event. Redis is
 * refreshed after the commit; a failure there is only logged (PostgreSQL is the truth, and the
 * cached values expire), so it never makes the event be retried.
 */
export function channelEventHandler(deps: EventHandlerDeps): EventHandler {
  const { db, consumer, logger } = deps;
  const once = (eventId: string, work: Parameters<typeof processOnce>[3]) => processOnce(db, consumer, eventId, work);

  async function liveChanged(channelId: string): Promise<void> {
    const { exists, live } = await deps.store.liveSessionOf(channelId);
    if (exists) await deps.cache.putLive(channelId, liveInfo(channelId, live));
    await deps.cache.directoryChanged();
  }

  return async (event) => {
    switch (event.type) {
      case 'user.registered': {
        let created = undefined as string | undefined;
        await once(event.id, async (client) => {
          created = await createChannel(client, event.data as UserRegistered['data'], deps.issueKey);
        });
        if (created) await deps.cache.directoryChanged();
        return;
      }
      case 'user.updated': {
        let renamed = false as boolean;
        await once(event.id, async (client) => {
          renamed = await renameOwner(client, event.data as UserUpdated['data']);
        });
        if (renamed) await deps.cache.directoryChanged();
        return;
      }
      case 'stream.started':
      case 'stream.ended': {
        const data = event.data as StreamStarted['data'] | StreamEnded['data'];
        let change = 'unchanged' as LiveChange;
        await once(event.id, async (client) => {
          change =
            event.type === 'stream.started'
              ? await applyStreamStarted(client, data as StreamStarted['data'])
              : await applyStreamEnded(client, data as StreamEnded['data']);
        });
        if (change === 'unknown-channel') {
          logger.warn(
            { eventId: event.id, type: event.type, channelId: data.channelId },
            'event for an unknown channel',
          );
        }
        // Also after a redelivery: the process may have stopped between the commit and this write.
        if (change !== 'unknown-channel') await liveChanged(data.channelId);
        return;
      }
      default:
        // channel.updated and stream-key.rotated are this service's own events.
        return;
    }
  };
}

import { type StreamEnded, type StreamStarted, Topics } from '@phzzk/contracts';
import { type Database, type Logger, type Once, processOnce, type Subscription, subscribe } from '@phzzk/kit';
import type { PoolClient } from 'pg';
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
export function channelEventSubscriptions(deps: EventHandlerDeps): Subscription[] {
  const { db, consumer, logger } = deps;
  const once = <R>(eventId: string, work: (client: PoolClient) => Promise<R>) =>
    processOnce(db, consumer, eventId, work);

  async function liveChanged(channelId: string): Promise<void> {
    const { exists, live } = await deps.store.liveSessionOf(channelId);
    if (exists) await deps.cache.putLive(channelId, liveInfo(channelId, live));
    await deps.cache.directoryChanged();
  }

  async function sessionChanged(event: StreamStarted | StreamEnded, outcome: Once<LiveChange>): Promise<void> {
    const change = outcome.applied ? outcome.result : 'unchanged';
    const { channelId } = event.data;
    if (change === 'unknown-channel') {
      logger.warn({ eventId: event.id, type: event.type, channelId }, 'event for an unknown channel');
      return;
    }
    // Also after a redelivery: the process may have stopped between the commit and this write.
    await liveChanged(channelId);
  }

  return [
    subscribe(Topics.userEvents, {
      on: {
        'user.registered': async (event) => {
          const created = await once(event.id, (client) => createChannel(client, event.data, deps.issueKey));
          if (created.applied && created.result) await deps.cache.directoryChanged();
        },
        'user.updated': async (event) => {
          const renamed = await once(event.id, (client) => renameOwner(client, event.data));
          if (renamed.applied && renamed.result) await deps.cache.directoryChanged();
        },
      },
    }),
    subscribe(Topics.channelEvents, {
      on: {
        'stream.started': async (event) =>
          sessionChanged(event, await once(event.id, (client) => applyStreamStarted(client, event.data))),
        'stream.ended': async (event) =>
          sessionChanged(event, await once(event.id, (client) => applyStreamEnded(client, event.data))),
      },
      // This service's own events.
      ignore: ['channel.updated', 'stream-key.rotated'],
    }),
  ];
}

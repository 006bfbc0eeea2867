import { Topics } from '@phzzk/contracts';
import { type Logger, type Subscription, subscribe } from '@phzzk/kit';
import { sessionFromStarted, sourceAllowed } from '../domain/transcode-session.ts';
import type { SessionStore } from '../domain/ports.ts';

/**
 * channel.events -> the sessions hash. Idempotent (a redelivered start is a no-op overwrite, a
 * start after its end is ignored), and the offset is committed only after the Redis write (the
 * consumer commits when this resolves). Which instance transcodes is settled by the leases.
 */
export function transcoderEventSubscription(
  store: SessionStore,
  logger: Logger,
  allowedOrigins: () => readonly string[],
): Subscription {
  return subscribe(Topics.channelEvents, {
    on: {
      'stream.started': async ({ data }) => {
        const session = sessionFromStarted(data);
        if (!sourceAllowed(session.sourceUrl, allowedOrigins())) {
          logger.warn(
            { channelId: session.channelId, sourceUrl: session.sourceUrl },
            'stream.started from a source not allowed; ignored',
          );
          return;
        }
        const recorded = await store.putStarted(session);
        logger.info({ channelId: session.channelId, sessionId: session.sessionId, recorded }, 'stream.started');
      },
      'stream.ended': async ({ data: { channelId, sessionId, reason } }) => {
        const removed = await store.markEnded(channelId, sessionId);
        logger.info({ channelId, sessionId, reason, removed }, 'stream.ended');
      },
    },
    ignore: ['channel.updated', 'stream-key.rotated'],
  });
}

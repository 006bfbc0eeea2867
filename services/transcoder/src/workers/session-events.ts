import type { StreamEnded, StreamStarted } from '@phzzk/contracts';
import type { EventHandler, Logger } from '@phzzk/kit';
import { sessionFromStarted, sourceAllowed } from '../domain/transcode-session.ts';
import type { SessionStore } from '../domain/ports.ts';

/**
 * channel.events -> the sessions hash. Idempotent (a redelivered start is a no-op overwrite, a
 * start after its end is ignored), and the offset is committed only after the Redis write (the
 * consumer commits when this resolves). Which instance transcodes is settled by the leases.
 */
export function transcoderEventHandler(
  store: SessionStore,
  logger: Logger,
  allowedOrigins: () => readonly string[],
): EventHandler {
  return async (event) => {
    if (event.type === 'stream.started') {
      const session = sessionFromStarted(event.data as StreamStarted['data']);
      if (!sourceAllowed(session.sourceUrl, allowedOrigins())) {
        logger.warn(
          { channelId: session.channelId, sourceUrl: session.sourceUrl },
          'stream.started from a source not allowed; ignored',
        );
        return;
      }
      const recorded = await store.putStarted(session);
      logger.info({ channelId: session.channelId, sessionId: session.sessionId, recorded }, 'stream.started');
    } else if (event.type === 'stream.ended') {
      const { channelId, sessionId, reason } = event.data as StreamEnded['data'];
      const removed = await store.markEnded(channelId, sessionId);
      logger.info({ channelId, sessionId, reason, removed }, 'stream.ended');
    }
  };
}

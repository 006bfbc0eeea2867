import { Topics } from '@phzzk/contracts';
import { type Logger, type Subscription, subscribe } from '@phzzk/kit';
import type { KeyRotationTarget } from '../domain/ports.ts';

/**
 * channel.events: stream-key.rotated ends the channel's live publish on this node (only the
 * node holding it acts; every node hears every rotation). Other event types are not ours.
 */
export function rotationEventSubscription(target: KeyRotationTarget, logger: Logger): Subscription {
  return subscribe(Topics.channelEvents, {
    on: {
      'stream-key.rotated': async ({ data: { channelId } }) => {
        const kicked = target.rotated(channelId);
        if (kicked > 0) logger.info({ channelId, kicked }, 'stream key rotated: live session ended');
      },
    },
    ignore: ['stream.started', 'stream.ended', 'channel.updated'],
  });
}

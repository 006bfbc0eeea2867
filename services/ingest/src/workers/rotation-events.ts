import type { StreamKeyRotated } from '@phzzk/contracts';
import type { EventHandler, Logger } from '@phzzk/kit';
import type { KeyRotationTarget } from '../domain/ports.ts';

/**
 * channel.events -> stream-key.rotated ends the channel's live publish on this node (only the
 * node holding it acts; every node hears every rotation). Other event types are not ours.
 */
export function rotationEventHandler(target: KeyRotationTarget, logger: Logger): EventHandler {
  return async (event) => {
    if (event.type !== 'stream-key.rotated') return;
    const { channelId } = event.data as StreamKeyRotated['data'];
    const kicked = target.rotated(channelId);
    if (kicked > 0) logger.info({ channelId, kicked }, 'stream key rotated: live session ended');
  };
}

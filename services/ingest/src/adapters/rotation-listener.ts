import { type StreamKeyRotated, Topics } from '@phzzk/contracts';
import { EventConsumer, type EventProducer, type Logger } from '@phzzk/kit';
import type { IngestSessions } from '../domain/ingest-sessions.ts';

/**
 * Follows `channel.events` for stream-key.rotated. The group is this instance's own: a rotation
 * must reach every ingest node (only the one holding the session acts), and a restarted node has
 * no session to end, so it starts from the latest event rather than replaying old rotations.
 * The group goes away with the instance when it stops.
 */
export function createRotationListener(options: {
  brokers: string[];
  instanceId: string;
  sessions: IngestSessions;
  producer: EventProducer;
  logger: Logger;
}): EventConsumer {
  const { sessions, logger } = options;
  return new EventConsumer({
    brokers: options.brokers,
    groupId: `ingest-${options.instanceId}`,
    topics: [Topics.channelEvents],
    startFrom: 'latest',
    deleteGroupOnStop: true,
    producer: options.producer,
    logger,
    handle: async (event) => {
      if (event.type !== 'stream-key.rotated') return;
      const { channelId } = event.data as StreamKeyRotated['data'];
      const kicked = sessions.rotated(channelId);
      if (kicked > 0) logger.info({ channelId, kicked }, 'stream key rotated: live session ended');
    },
  });
}

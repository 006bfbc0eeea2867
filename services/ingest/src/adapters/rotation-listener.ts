import { Topics } from '@phzzk/contracts';
import { EventConsumer, type EventHandler, type EventProducer, type Logger } from '@phzzk/kit';

/**
 * Follows `channel.events` for stream-key.rotated. The group is this instance's own: a rotation
 * must reach every ingest node (only the one holding the session acts), and a restarted node has
 * no session to end, so it starts from the latest event rather than replaying old rotations.
 * The group goes away with the instance when it stops.
 */
export function createRotationListener(options: {
  brokers: string[];
  instanceId: string;
  handle: EventHandler;
  producer: EventProducer;
  logger: Logger;
}): EventConsumer {
  return new EventConsumer({
    brokers: options.brokers,
    groupId: `ingest-${options.instanceId}`,
    topics: [Topics.channelEvents],
    startFrom: 'latest',
    deleteGroupOnStop: true,
    producer: options.producer,
    logger: options.logger,
    handle: options.handle,
  });
}

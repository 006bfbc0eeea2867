import { Topics } from '@phzzk/contracts';
import type { EventProducer } from '@phzzk/kit';

/** `stream.ended` as ingest publishes it when a publisher stops (reason `unpublish`). */
export function publishStreamEnded(
  producer: EventProducer,
  channelId: string,
  sessionId: string,
  endedAt = new Date(),
) {
  return producer.publish(Topics.channelEvents, 'stream.ended', {
    sessionId,
    channelId,
    endedAt: endedAt.toISOString(),
    reason: 'unpublish',
  });
}

/** `user.registered` as the user service publishes it for a password sign-up. */
export function publishUserRegistered(producer: EventProducer, userId: string, nickname: string) {
  return producer.publish(Topics.userEvents, 'user.registered', {
    userId,
    email: `${nickname}@example.com`,
    nickname,
    signupMethod: 'password',
  });
}

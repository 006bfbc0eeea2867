import type { TSchema } from 'typebox';
import { ChannelUpdated, StreamEnded, StreamKeyRotated, StreamStarted } from './events/channel-events.ts';
import {
  ChatBan,
  ChatCleared,
  ChatDeleted,
  ChatJoin,
  ChatLeave,
  ChatMessage,
  ChatPresenceSnapshot,
  ChatSettings,
  ChatTimeout,
  ChatUnban,
} from './events/chat-events.ts';
import { ConfigChanged, VodDeleted, VodReady, ViewerHeartbeat } from './events/media-events.ts';
import { UserRegistered, UserUpdated } from './events/user-events.ts';

// The Kafka topics of ARCHITECTURE.md: name, what keys it, how many partitions, and the schema of
// every event type it carries. Producers and consumers validate against these.
export interface TopicContract {
  readonly name: string;
  readonly key: string;
  readonly partitions: number;
  readonly events: Readonly<Record<string, TSchema>>;
}

function topic<const E extends Record<string, TSchema>>(name: string, key: string, partitions: number, events: E) {
  return { name, key, partitions, events } as const satisfies TopicContract;
}

export const Topics = {
  userEvents: topic('user.events', 'userId', 6, {
    'user.registered': UserRegistered,
    'user.updated': UserUpdated,
  }),
  channelEvents: topic('channel.events', 'channelId', 6, {
    'stream.started': StreamStarted,
    'stream.ended': StreamEnded,
    'channel.updated': ChannelUpdated,
    'stream-key.rotated': StreamKeyRotated,
  }),
  chatMessages: topic('chat.messages', 'channelId', 6, {
    'chat.message': ChatMessage,
    'chat.deleted': ChatDeleted,
    'chat.cleared': ChatCleared,
  }),
  chatModeration: topic('chat.moderation', 'channelId', 6, {
    ban: ChatBan,
    timeout: ChatTimeout,
    unban: ChatUnban,
    settings: ChatSettings,
  }),
  chatPresence: topic('chat.presence', 'channelId', 6, {
    join: ChatJoin,
    leave: ChatLeave,
    'presence.snapshot': ChatPresenceSnapshot,
  }),
  viewerHeartbeats: topic('viewer.heartbeats', 'channelId', 6, { 'viewer.heartbeat': ViewerHeartbeat }),
  vodEvents: topic('vod.events', 'channelId', 6, { 'vod.ready': VodReady, 'vod.deleted': VodDeleted }),
  configChanged: topic('config.changed', 'application', 1, { 'config.changed': ConfigChanged }),
} as const;

export type TopicKey = keyof typeof Topics;
export type AnyTopic = (typeof Topics)[TopicKey];

/** Dead-letter topic of a topic: where a message that cannot be processed goes, with the error. */
export const deadLetterTopic = (name: string): string => `${name}.dlq`;

/** The topics and their dead-letter topics (one partition each), as they should be created. */
export function topicSpecs(
  topics: readonly { name: string; partitions: number }[],
): { name: string; partitions: number }[] {
  return topics.flatMap((t) => [
    { name: t.name, partitions: t.partitions },
    { name: deadLetterTopic(t.name), partitions: 1 },
  ]);
}

/** Every topic and its dead-letter topic, as the infrastructure should create them. */
export function allTopicSpecs(): { name: string; partitions: number }[] {
  return topicSpecs(Object.values(Topics));
}

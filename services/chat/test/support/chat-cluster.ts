import { Topics } from '@phzzk/contracts';
import { createRedis, identityHeaders } from '@phzzk/kit';
import {
  ApiClient,
  KafkaProbe,
  type ServiceProcess,
  serviceTestBed,
  startServiceProcess,
  uniqueName,
} from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { FakePeers } from './fake-peers.ts';

export const CHAT_TOPICS = [Topics.chatMessages, Topics.chatModeration, Topics.chatPresence, Topics.userEvents];

/**
 * Chat as it runs: real processes (two unless asked otherwise) on the real PostgreSQL, Redis and
 * Kafka, sharing a fresh schema, Redis prefix and consumer group, with fake channel/user peers.
 */
export async function startChatCluster(options: { nodes?: number; env?: Record<string, string> } = {}) {
  const bed = await serviceTestBed('chat', CHAT_TOPICS);
  const { infra, brokers, schema, group, producer } = bed;
  const peers = await FakePeers.start();
  const prefix = `phzzk:test:${uniqueName('chat')}:`;
  const env: Record<string, string> = {
    ...bed.env,
    CHAT_REDIS_KEY_PREFIX: prefix,
    CHAT_CONSUMER_GROUP: group,
    DISCOVERY_MODE: 'static',
    DISCOVERY_STATIC_INSTANCES: `channel=${peers.url};user=${peers.url}`,
    LOG_LEVEL: process.env.CHAT_TEST_LOG ?? 'warn',
    ...options.env,
  };
  const probe = await KafkaProbe.start(brokers, [Topics.chatMessages, Topics.chatModeration, Topics.chatPresence]);
  const redis = createRedis(infra.redisUrl, 'chat-test');

  const nodes: ServiceProcess[] = [];
  const start = (extra: Record<string, string> = {}) =>
    startServiceProcess('chat', { ...env, ...extra }, { timeoutMs: 120_000 });
  for (let i = 0; i < (options.nodes ?? 2); i++) nodes.push(await start());

  return {
    infra,
    env,
    peers,
    schema,
    prefix,
    probe,
    producer,
    redis,
    nodes,
    start,
    api: (i = 0) => new ApiClient(nodes[i]!.url),
    /** A channel owned by a fresh user (known to the fake channel service). */
    newChannel(): { channelId: string; ownerId: string; owner: Record<string, string> } {
      const channelId = uuidv7();
      const ownerId = uuidv7();
      peers.channels.set(channelId, ownerId);
      peers.nicknames.set(ownerId, `owner${ownerId.slice(-6)}`);
      return { channelId, ownerId, owner: identityHeaders({ userId: ownerId, roles: ['user'] }) };
    },
    /** A signed-in user with a nickname the fake user service knows. */
    newUser(nickname?: string): { userId: string; headers: Record<string, string>; nickname: string } {
      const userId = uuidv7();
      const name = nickname ?? `u${userId.slice(-8)}`;
      peers.nicknames.set(userId, name);
      return { userId, headers: identityHeaders({ userId, roles: ['user'] }), nickname: name };
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop().catch(() => null)));
      await probe.stop();
      redis.disconnect();
      await peers.stop();
      await bed.close();
    },
  };
}

export type ChatCluster = Awaited<ReturnType<typeof startChatCluster>>;

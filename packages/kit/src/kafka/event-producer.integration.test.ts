import { StreamEnded, type TopicContract } from '@phzzk/contracts';
import { KafkaProbe, testInfra, uniqueName, waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { EventProducer } from './event-producer.ts';
import { ContractViolation } from './event-validator.ts';
import { deleteTopics, ensureTopics } from './topic-admin.ts';

const logger = createLogger({ service: 'kit-test', instanceId: 'kit-test', level: 'silent' });

describe('EventProducer.publishMany (real broker)', () => {
  let brokers: string[];
  let topic: TopicContract & { events: { 'stream.ended': typeof StreamEnded } };
  let producer: EventProducer;
  let probe: KafkaProbe;

  beforeAll(async () => {
    brokers = (await testInfra()).kafkaBrokers;
    topic = {
      name: uniqueName('test.kit.many'),
      key: 'channelId',
      partitions: 2,
      events: { 'stream.ended': StreamEnded },
    };
    await ensureTopics(brokers, [{ name: topic.name, partitions: 2 }]);
    producer = new EventProducer({ brokers, producer: 'kit-test', logger });
    probe = await KafkaProbe.start(brokers, [topic.name]);
  }, 60_000);

  afterAll(async () => {
    await probe?.stop();
    await producer?.close();
    await deleteTopics(brokers, [topic.name]).catch(() => {});
  });

  const ended = (channelId: string) => ({
    sessionId: uuidv7(),
    channelId,
    endedAt: new Date().toISOString(),
    reason: 'unpublish' as const,
  });

  it('sends several validated events in one call, each keyed by its own channel', async () => {
    const channels = [uuidv7(), uuidv7(), uuidv7()];
    const events = await producer.publishMany(
      topic as never,
      'stream.ended',
      channels.map((channelId) => ({ data: ended(channelId) as never })),
    );
    expect(events.map((e) => (e.data as { channelId: string }).channelId)).toEqual(channels);
    const received = await waitFor(() => {
      const mine = probe.messages.filter((m) => channels.includes(m.key ?? ''));
      return mine.length === 3 ? mine : undefined;
    });
    expect(new Set(received.map((m) => m.event?.id))).toEqual(new Set(events.map((e) => e.id)));
    expect(received.every((m) => m.event?.producer === 'kit-test')).toBe(true);
  });

  it('sends nothing when one event breaks the contract', async () => {
    const good = uuidv7();
    await expect(
      producer.publishMany(topic as never, 'stream.ended', [
        { data: ended(good) as never },
        { data: { ...ended(uuidv7()), reason: 'nope' } as never },
      ]),
    ).rejects.toBeInstanceOf(ContractViolation);
    // A later event on the same topic arrives; the good one of the refused call never does.
    const marker = uuidv7();
    await producer.publishMany(topic as never, 'stream.ended', [{ data: ended(marker) as never }]);
    await waitFor(() => probe.messages.some((m) => m.key === marker));
    expect(probe.messages.some((m) => m.key === good)).toBe(false);
  });
});

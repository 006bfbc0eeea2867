import { deadLetterTopic, StreamEnded, type TopicContract, topicSpecs } from '@phzzk/contracts';
import { KafkaProbe, testInfra, uniqueName, waitFor } from '@phzzk/testing';
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { EventConsumer } from './event-consumer.ts';
import { EventProducer } from './event-producer.ts';
import { ContractViolation } from './event-validator.ts';
import { subscribe } from './subscription.ts';
import { deleteConsumerGroups, deleteTopics, ensureTopics } from './topic-admin.ts';

const logger = createLogger({ service: 'kit-test', instanceId: 'kit-test', level: 'silent' });
const channelId = '0190a6b0-0000-7000-8000-000000000001';
const sessionId = () =>
  `0190a6b0-0000-7000-8000-${Math.floor(Math.random() * 1e12)
    .toString()
    .padStart(12, '0')}`;

describe('Kafka producer and consumer (real broker)', () => {
  let brokers: string[];
  let topic: Omit<TopicContract, 'events'> & { events: { 'stream.ended': typeof StreamEnded } };
  let producer: EventProducer;
  let probe: KafkaProbe;
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    brokers = (await testInfra()).kafkaBrokers;
    // A fresh topic per run, carrying a real contract's events.
    topic = { name: uniqueName('test.kit'), key: 'channelId', partitions: 2, events: { 'stream.ended': StreamEnded } };
    await ensureTopics(brokers, topicSpecs([topic]));
    producer = new EventProducer({ brokers, producer: 'kit-test', logger });
    probe = await KafkaProbe.start(brokers, [topic.name, deadLetterTopic(topic.name)]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await probe?.stop();
    await producer?.close();
    // The run's own topics go away with it, so the shared broker does not collect them.
    await deleteTopics(brokers, [topic.name, deadLetterTopic(topic.name)]);
  });

  const ended = (id: string) => ({
    sessionId: id,
    channelId,
    endedAt: new Date().toISOString(),
    reason: 'unpublish' as const,
  });

  function consumer(groupId: string, handle: (event: StreamEnded) => Promise<void>) {
    const c = new EventConsumer({
      brokers,
      groupId,
      subscriptions: [subscribe(topic, { on: { 'stream.ended': handle } })],
      producer,
      logger,
      attempts: 3,
      retryBaseMs: 20,
      retryMaxMs: 100,
    });
    consumers.push(c);
    c.start();
    return c;
  }

  it('rejects a payload that breaks its schema before it is sent', async () => {
    const id = sessionId();
    await expect(
      producer.publish(topic as never, 'stream.ended', { ...ended(id), reason: 'exploded' } as never),
    ).rejects.toBeInstanceOf(ContractViolation);
    await expect(producer.publish(topic as never, 'stream.ended', { ...ended(id), extra: 1 } as never)).rejects.toThrow(
      /additional properties/,
    );
    // Send a valid marker afterwards: when it arrives, the broken ones would have arrived before it.
    const marker = await producer.publish(topic as never, 'stream.ended', ended(id));
    await probe.waitFor((m) => m.event?.id === marker.id);
    expect(probe.messages.filter((m) => (m.event?.data as { sessionId?: string })?.sessionId === id)).toHaveLength(1);
  });

  it('delivers valid events keyed by channel, and commits only after the handler succeeded', async () => {
    const group = uniqueName('kit-group');
    const seen: string[] = [];
    const first = consumer(group, async (event) => {
      seen.push(event.id);
    });
    await first.waitUntilConsuming();
    const sent = await producer.publish(topic as never, 'stream.ended', ended(sessionId()));
    await waitFor(() => seen.includes(sent.id), { what: 'the event to be handled' });
    const message = await probe.waitFor((m) => m.event?.id === sent.id);
    expect(message.key).toBe(channelId);
    expect(message.event).toMatchObject({ type: 'stream.ended', producer: 'kit-test' });
    await first.stop();

    // A new member of the same group starts after the committed offset: nothing is redelivered.
    const again: string[] = [];
    const second = consumer(group, async (event) => {
      again.push(event.id);
    });
    await second.waitUntilConsuming();
    const next = await producer.publish(topic as never, 'stream.ended', ended(sessionId()));
    await waitFor(() => again.includes(next.id), { what: 'the next event' });
    expect(again).not.toContain(sent.id);
    await second.stop();
  });

  it('retries a failing handler with backoff, then succeeds', async () => {
    const attempts = new Map<string, number>();
    const c = consumer(uniqueName('kit-retry'), async (event) => {
      const n = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, n);
      if (n < 3) throw new Error(`transient failure ${n}`);
    });
    await c.waitUntilConsuming();
    const sent = await producer.publish(topic as never, 'stream.ended', ended(sessionId()));
    await waitFor(() => attempts.get(sent.id) === 3, { what: 'three attempts' });
    await new Promise((r) => setTimeout(r, 300));
    expect(probe.messages.some((m) => m.topic === deadLetterTopic(topic.name) && m.event?.id === sent.id)).toBe(false);
    await c.stop();
  });

  it('dead-letters an event whose handler keeps failing, and goes on with the next', async () => {
    const handled: string[] = [];
    // Known before publishing: the consumer may fetch the event before publish() resolves.
    const failing = sessionId();
    const c = consumer(uniqueName('kit-dlq'), async (event) => {
      if (event.data.sessionId === failing) throw new Error('cannot process this one');
      handled.push(event.id);
    });
    await c.waitUntilConsuming();
    const bad = await producer.publish(topic as never, 'stream.ended', ended(failing), { id: undefined });
    const good = await producer.publish(topic as never, 'stream.ended', ended(sessionId()));
    const dead = await probe.waitFor((m) => m.topic === deadLetterTopic(topic.name) && m.event?.id === bad.id);
    expect(dead.headers['x-error']).toBe('cannot process this one');
    expect(dead.headers['x-original-topic']).toBe(topic.name);
    expect(dead.headers['x-attempts']).toBe('3');
    await waitFor(() => handled.includes(good.id), { what: 'the event after the dead letter' });
    await c.stop();
  });

  it('dead-letters a poison message (not JSON, or not the contract) at once and goes on', async () => {
    const handled: string[] = [];
    const c = consumer(uniqueName('kit-poison'), async (event) => {
      handled.push(event.id);
    });
    await c.waitUntilConsuming();
    await producer.sendRaw(topic.name, channelId, Buffer.from('\u0000not json{'));
    await producer.sendRaw(
      topic.name,
      channelId,
      Buffer.from(JSON.stringify({ id: 'x', type: 'stream.ended', data: {} })),
    );
    const good = await producer.publish(topic as never, 'stream.ended', ended(sessionId()));
    await waitFor(() => handled.includes(good.id), { what: 'the valid event after the poison' });
    const dlq = probe.messages.filter((m) => m.topic === deadLetterTopic(topic.name) && m.headers['x-consumer-group']);
    expect(dlq.some((m) => m.value.toString() === '\u0000not json{' && m.headers['x-attempts'] === '0')).toBe(true);
    expect(dlq.some((m) => m.headers['x-error-type'] === 'ContractViolation')).toBe(true);
    // A new group reads the topic from the start: earlier valid events arrive too, the poison never.
    expect(handled.at(-1)).toBe(good.id);
    expect(handled).not.toContain('x');
    await c.stop();
  });

  it('keeps trying with backoff when Kafka is unreachable, reporting not-ready instead of crashing', async () => {
    const c = new EventConsumer({
      brokers: ['127.0.0.1:1'],
      groupId: uniqueName('kit-unreachable'),
      subscriptions: [subscribe(topic, { on: {}, ignore: ['stream.ended'] })],
      producer,
      logger,
    });
    c.start();
    await waitFor(() => c.healthy().detail?.startsWith('connecting'), { what: 'a connecting state' });
    expect(c.healthy().ok).toBe(false);
    await c.stop();
    expect(c.state).toBe('stopped');
  });

  it('deletes a per-instance group from the broker when asked to on stop; a missing group is no error', async () => {
    const admin = new Admin({ clientId: 'kit-test-admin', bootstrapBrokers: brokers });
    try {
      const groups = async () => [...(await admin.listGroups()).keys()];
      const group = uniqueName('kit-instance');
      const c = new EventConsumer({
        brokers,
        groupId: group,
        subscriptions: [subscribe(topic, { on: {}, ignore: ['stream.ended'] })],
        producer,
        logger,
        startFrom: 'latest',
        deleteGroupOnStop: true,
      });
      c.start();
      await c.waitUntilConsuming();
      expect(await groups()).toContain(group);
      await c.stop();
      expect(await groups()).not.toContain(group);
      await deleteConsumerGroups(brokers, [uniqueName('kit-never-existed')]);
    } finally {
      await admin.close();
    }
  });
});

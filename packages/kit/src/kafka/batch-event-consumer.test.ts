import { randomUUID } from 'node:crypto';
import { Topics } from '@phzzk/contracts';
import type { MessagesStream } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { BatchEventConsumer } from './batch-event-consumer.ts';
import type { KafkaMessage } from './consumer-core.ts';
import type { EventProducer } from './event-producer.ts';

/** A heartbeat as the consumer reads it from the broker: already fetched, so every `next()` resolves at once. */
function bufferedMessage(offset: number, commits: bigint[]): KafkaMessage {
  const channelId = randomUUID();
  const event = {
    id: randomUUID(),
    type: 'viewer.heartbeat',
    occurredAt: new Date().toISOString(),
    producer: 'test',
    data: {
      channelId,
      playerSessionId: randomUUID(),
      userId: null,
      rendition: null,
      latencySeconds: null,
      at: new Date().toISOString(),
    },
  };
  return {
    topic: Topics.viewerHeartbeats.name,
    partition: 0,
    offset: BigInt(offset),
    key: Buffer.from(channelId),
    value: Buffer.from(JSON.stringify(event)),
    commit: () => {
      commits.push(BigInt(offset));
    },
  } as unknown as KafkaMessage;
}

/** `consume` is the loop under test; the broker session around it is the integration tests' part. */
class ConsumeLoop extends BatchEventConsumer<[typeof Topics.viewerHeartbeats]> {
  readBacklog(stream: AsyncIterable<KafkaMessage>): Promise<void> {
    return this.consume(stream as unknown as MessagesStream<Buffer, Buffer, Buffer, Buffer>);
  }
}

describe('BatchEventConsumer reading a buffered backlog', () => {
  it('gives the event loop turns while it reads a batch, and hands over every event in order', async () => {
    const commits: bigint[] = [];
    const backlog = Array.from({ length: 1000 }, (_, i) => bufferedMessage(i, commits));
    const batches: bigint[][] = [];
    const loop = new ConsumeLoop({
      brokers: ['127.0.0.1:1'],
      groupId: 'unit',
      topics: [Topics.viewerHeartbeats],
      producer: {} as EventProducer,
      logger: createLogger({ service: 'unit', instanceId: 'unit', level: 'silent' }),
      maxBatch: 500,
      handleBatch: async (items) => {
        batches.push(items.map((i) => i.meta.offset));
      },
    });
    let read = 0;
    async function* stream() {
      for (const m of backlog) {
        read++;
        yield m;
      }
    }
    // A turn of the event loop (an I/O callback, a timer) comes due before the reading starts.
    let readWhenTheTurnCame = -1;
    setImmediate(() => {
      readWhenTheTurnCame = read;
    });
    await loop.readBacklog(stream());
    expect(readWhenTheTurnCame).toBeGreaterThan(0);
    expect(readWhenTheTurnCame).toBeLessThanOrEqual(200);
    expect(batches.map((b) => b.length)).toEqual([500, 500]);
    expect(batches.flat()).toEqual(backlog.map((m) => m.offset));
    expect(commits).toEqual([499n, 999n]);
  });
});

import type { AnyTopic, Envelope } from '@phzzk/contracts';
import { Consumer, type MessagesStream } from '@platformatic/kafka';
import { uniqueName } from './fresh.ts';
import { waitFor } from './wait-for.ts';

export interface ProbedMessage {
  topic: string;
  key: string | undefined;
  value: Buffer;
  headers: Record<string, string>;
  event: Envelope | undefined;
}

/**
 * Reads topics from their end (as of start) with a throwaway consumer group, so a test can assert
 * on what was published while it ran. Events are parsed when they are JSON envelopes.
 */
export class KafkaProbe {
  readonly messages: ProbedMessage[] = [];
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;

  static async start(brokers: string[], topics: (AnyTopic | string)[]): Promise<KafkaProbe> {
    const probe = new KafkaProbe();
    const names = topics.map((t) => (typeof t === 'string' ? t : t.name));
    probe.consumer = new Consumer({
      clientId: 'phzzk-test-probe',
      groupId: uniqueName('probe'),
      bootstrapBrokers: brokers,
      autocommit: false,
      maxWaitTime: 200,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    // Start exactly at each partition's end as of now: 'latest' is resolved only once the group
    // join completes, which on a fresh broker can come after the message a test waits for.
    const ends = await probe.consumer.listOffsets({ topics: names }).catch(() => undefined);
    const offsets = ends
      ? [...ends].flatMap(([topic, partitions]) =>
          partitions.map((offset, partition) => ({ topic, partition, offset })),
        )
      : [];
    probe.stream = await probe.consumer.consume(
      offsets.length > 0 ? { topics: names, mode: 'manual', offsets } : { topics: names, mode: 'latest' },
    );
    probe.stream.on('data', (m) => {
      let event: Envelope | undefined;
      try {
        event = JSON.parse(m.value.toString()) as Envelope;
      } catch {
        event = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of m.headers) headers[k.toString()] = v.toString();
      probe.messages.push({ topic: m.topic, key: m.key?.toString(), value: m.value, headers, event });
    });
    return probe;
  }

  /** Waits for a message matching the predicate and returns it. */
  waitFor(predicate: (m: ProbedMessage) => boolean, timeoutMs = 15_000): Promise<ProbedMessage> {
    return waitFor(() => this.messages.find(predicate), { timeoutMs, what: 'a matching Kafka message' });
  }

  async stop(): Promise<void> {
    await this.stream?.close().catch(() => {});
    await this.consumer?.close(true).catch(() => {});
  }
}

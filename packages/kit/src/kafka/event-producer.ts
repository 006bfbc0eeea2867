import type { AnyTopic, Envelope } from '@phzzk/contracts';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import type { Static, TSchema } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import type { Logger } from '../logging/logger.ts';
import { TopicValidator } from './event-validator.ts';

type EventsOf<T extends AnyTopic> = T['events'];
type DataOf<T extends AnyTopic, K extends keyof EventsOf<T>> = EventsOf<T>[K] extends TSchema
  ? Static<EventsOf<T>[K]> extends { data: infer D }
    ? D
    : never
  : never;

export interface EventProducerOptions {
  brokers: string[];
  /** Name written into every envelope's `producer` field, e.g. the service id. */
  producer: string;
  clientId?: string;
  logger: Logger;
}

/**
 * Publishes contract events. Every event is wrapped in an envelope and validated against its
 * topic's schema before it is sent: a payload that breaks the contract never reaches Kafka.
 */
export class EventProducer {
  private readonly client: Producer<Buffer, Buffer, string, string>;
  private readonly validators = new Map<string, TopicValidator>();
  private readonly producerName: string;
  private readonly logger: Logger;
  private lastError: Error | undefined;

  constructor(options: EventProducerOptions) {
    this.producerName = options.producer;
    this.logger = options.logger;
    this.client = new Producer({
      clientId: options.clientId ?? `${options.producer}-producer`,
      bootstrapBrokers: options.brokers,
      acks: ProduceAcks.ALL,
      idempotent: true,
      retries: 5,
      retryDelay: 200,
      autocreateTopics: false,
      serializers: {
        headerKey: (v?: string) => (v === undefined ? undefined : Buffer.from(v)),
        headerValue: (v?: string) => (v === undefined ? undefined : Buffer.from(v)),
      },
    });
  }

  private validatorFor(topic: AnyTopic): TopicValidator {
    let v = this.validators.get(topic.name);
    if (!v) {
      v = new TopicValidator(topic);
      this.validators.set(topic.name, v);
    }
    return v;
  }

  /** Builds, validates and sends one event; resolves when the broker has it (acks=all). */
  async publish<T extends AnyTopic, K extends keyof EventsOf<T> & string>(
    topic: T,
    type: K,
    data: DataOf<T, K>,
    options: { key?: string; id?: string; headers?: Record<string, string> } = {},
  ): Promise<Envelope<K, DataOf<T, K>>> {
    const event = {
      id: options.id ?? uuidv7(),
      type,
      occurredAt: new Date().toISOString(),
      producer: this.producerName,
      data,
    };
    this.validatorFor(topic).check(event);
    const key = options.key ?? (data as Record<string, unknown>)[topic.key];
    if (typeof key !== 'string' || key.length === 0) {
      throw new Error(`${topic.name}: events are keyed by ${topic.key}, which is missing`);
    }
    await this.sendRaw(topic.name, key, Buffer.from(JSON.stringify(event)), options.headers);
    return event as Envelope<K, DataOf<T, K>>;
  }

  /**
   * Publishes several events of one topic in a single produce request (one round trip instead of
   * one per event): each is validated as publish() does; it resolves when Kafka has them all.
   */
  async publishMany<T extends AnyTopic, K extends keyof EventsOf<T> & string>(
    topic: T,
    type: K,
    items: { data: DataOf<T, K>; id?: string; key?: string }[],
  ): Promise<Envelope<K, DataOf<T, K>>[]> {
    if (items.length === 0) return [];
    const validator = this.validatorFor(topic);
    const events = items.map((item) => {
      const event = {
        id: item.id ?? uuidv7(),
        type,
        occurredAt: new Date().toISOString(),
        producer: this.producerName,
        data: item.data,
      };
      validator.check(event);
      const key = item.key ?? (item.data as Record<string, unknown>)[topic.key];
      if (typeof key !== 'string' || key.length === 0) {
        throw new Error(`${topic.name}: events are keyed by ${topic.key}, which is missing`);
      }
      return { event, key };
    });
    try {
      await this.client.send({
        messages: events.map(({ event, key }) => ({
          topic: topic.name,
          key: Buffer.from(key),
          value: Buffer.from(JSON.stringify(event)),
        })),
      });
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error as Error;
      this.logger.warn({ err: error, topic: topic.name, count: events.length }, 'kafka send failed');
      throw error;
    }
    return events.map(({ event }) => event as Envelope<K, DataOf<T, K>>);
  }

  /** Sends bytes as they are (the dead-letter path uses this for messages that broke the contract). */
  async sendRaw(topic: string, key: string | Buffer | undefined, value: Buffer, headers?: Record<string, string>) {
    try {
      await this.client.send({
        messages: [
          {
            topic,
            key: typeof key === 'string' ? Buffer.from(key) : key,
            value,
            ...(headers ? { headers } : {}),
          },
        ],
      });
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error as Error;
      this.logger.warn({ err: error, topic }, 'kafka send failed');
      throw error;
    }
  }

  /** Health: the last send worked (or none failed yet) and the client is connected. */
  healthy(): { ok: boolean; detail?: string } {
    return this.lastError ? { ok: false, detail: this.lastError.message } : { ok: true };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

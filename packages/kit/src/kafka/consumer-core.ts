import { deadLetterTopic, type Envelope, type TopicContract } from '@phzzk/contracts';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Logger } from '../logging/logger.ts';
import { backoffDelay, sleep } from './backoff.ts';
import type { EventProducer } from './event-producer.ts';
import { ContractViolation, TopicValidator } from './event-validator.ts';
import { deleteConsumerGroups } from './topic-admin.ts';

export interface EventMeta {
  topic: string;
  partition: number;
  offset: bigint;
  key: string | undefined;
}

export type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;
export type ConsumerState = 'idle' | 'connecting' | 'consuming' | 'stopping' | 'stopped';

/** What both consumers (event by event, and in batches) are configured with. */
export interface ConsumerCoreOptions {
  brokers: string[];
  groupId: string;
  clientId?: string;
  topics: readonly TopicContract[];
  /** Used to write dead letters. */
  producer: EventProducer;
  logger: Logger;
  /** Where a new group starts: the earliest retained event or only new ones. */
  startFrom?: 'earliest' | 'latest';
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * The group is this consumer's alone (one per instance, so that every instance sees every
   * event): it is deleted from the broker when the consumer stops, instead of being left behind
   * until the broker's offsets retention expires it.
   */
  deleteGroupOnStop?: boolean;
}

/** How the subclass wants the client to fetch. */
export interface FetchTuning {
  maxWaitTime: number;
  highWaterMark: number;
}

/**
 * The part every PHZZK consumer shares: a group member that reconnects with backoff while Kafka
 * is away (reported as not ready, never fatal), validates every message against its topic's
 * contract, dead-letters what cannot be processed, and commits offsets. A subclass decides only
 * how the validated events reach its handler (one by one, or in batches).
 */
export abstract class ConsumerCore {
  protected readonly core: Required<Omit<ConsumerCoreOptions, 'clientId'>> & { clientId: string };
  protected readonly abort = new AbortController();
  protected lastError: string | undefined;
  private readonly validators: Map<string, TopicValidator>;
  private readonly fetch: FetchTuning;
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private loop: Promise<void> | undefined;
  private stateValue: ConsumerState = 'idle';
  processed = 0;
  deadLettered = 0;

  protected constructor(options: ConsumerCoreOptions, fetch: FetchTuning) {
    this.core = {
      startFrom: 'earliest',
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1000,
      deleteGroupOnStop: false,
      clientId: `${options.groupId}-consumer`,
      ...options,
    };
    this.fetch = fetch;
    this.validators = new Map(options.topics.map((t) => [t.name, new TopicValidator(t)]));
  }

  /** Handles the messages of one connected session until the stream ends or the consumer stops. */
  protected abstract consume(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void>;

  get state(): ConsumerState {
    return this.stateValue;
  }

  /** Starts consuming in the background; returns at once. */
  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** Resolves once the consumer has joined its group and is fetching (or rejects on timeout). */
  async waitUntilConsuming(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.stateValue !== 'consuming') {
      if (Date.now() > deadline)
        throw new Error(`consumer ${this.core.groupId} not consuming: ${this.lastError ?? this.stateValue}`);
      await sleep(50);
    }
  }

  healthy(): { ok: boolean; detail?: string } {
    if (this.stateValue === 'consuming') return { ok: true };
    return { ok: false, detail: `${this.stateValue}${this.lastError ? `: ${this.lastError}` : ''}` };
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.abort.signal.aborted) {
      this.stateValue = 'connecting';
      try {
        await this.consumeOnce();
        attempt = 0;
      } catch (error) {
        if (this.abort.signal.aborted) break;
        this.lastError = (error as Error).message;
        const delay = backoffDelay(attempt++, 500, 10_000);
        this.core.logger.warn(
          { err: error, groupId: this.core.groupId, retryInMs: delay },
          'kafka consumer failed, retrying',
        );
        await this.closeClient();
        await sleep(delay, this.abort.signal);
      }
    }
    this.stateValue = 'stopped';
  }

  private async consumeOnce(): Promise<void> {
    const o = this.core;
    this.consumer = new Consumer({
      clientId: o.clientId,
      groupId: o.groupId,
      bootstrapBrokers: o.brokers,
      autocommit: false,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: o.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(o.sessionTimeoutMs, 15_000),
      maxWaitTime: this.fetch.maxWaitTime,
      retries: 3,
      retryDelay: 250,
      highWaterMark: this.fetch.highWaterMark,
    });
    this.stream = await this.consumer.consume({
      topics: [...this.validators.keys()],
      mode: 'committed',
      fallbackMode: o.startFrom,
    });
    this.stateValue = 'consuming';
    this.lastError = undefined;
    await this.consume(this.stream);
    // Stopping: what was read but not handled stays uncommitted; the next owner gets it.
    if (!this.abort.signal.aborted) throw new Error('consumer stream ended');
  }

  protected metaOf(message: KafkaMessage): EventMeta {
    return { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key?.toString() };
  }

  /** The event, or undefined when the message broke its contract (then it is dead-lettered). */
  protected async validate(message: KafkaMessage): Promise<Envelope | undefined> {
    try {
      const validator = this.validators.get(message.topic);
      if (!validator) throw new ContractViolation(message.topic, undefined, 'not a subscribed topic');
      return validator.check(JSON.parse(message.value?.toString() ?? ''));
    } catch (error) {
      // Poison: retrying cannot fix bytes that break the contract.
      await this.deadLetter(
        this.metaOf(message),
        message.key ?? undefined,
        message.value ?? Buffer.alloc(0),
        error as Error,
        0,
      );
      return undefined;
    }
  }

  protected async deadLetter(
    meta: EventMeta,
    key: string | Buffer | undefined,
    value: Buffer,
    error: Error,
    attempts: number,
  ): Promise<void> {
    this.deadLettered++;
    this.core.logger.error(
      { err: error, topic: meta.topic, partition: meta.partition, offset: String(meta.offset) },
      'event dead-lettered',
    );
    await this.core.producer.sendRaw(deadLetterTopic(meta.topic), key, value, {
      'x-error': error.message.slice(0, 1000),
      'x-error-type': error.name,
      'x-original-topic': meta.topic,
      'x-original-partition': String(meta.partition),
      'x-original-offset': String(meta.offset),
      'x-consumer-group': this.core.groupId,
      'x-attempts': String(attempts),
    });
  }

  /** Commits the last offset of every partition among the messages. */
  protected async commit(messages: readonly KafkaMessage[]): Promise<void> {
    const last = new Map<string, KafkaMessage>();
    for (const m of messages) last.set(`${m.topic}:${m.partition}`, m);
    // All at once: the client coalesces the partitions' commits into one request.
    await Promise.all(
      [...last.values()].map((message) =>
        Promise.resolve(message.commit()).catch((error: unknown) => {
          // A rebalance can invalidate the generation; the event may be redelivered, and handlers are idempotent.
          this.core.logger.warn(
            { err: error, topic: message.topic, offset: String(message.offset) },
            'offset commit failed',
          );
        }),
      ),
    );
  }

  private async closeClient(): Promise<void> {
    const stream = this.stream;
    const consumer = this.consumer;
    this.stream = undefined;
    this.consumer = undefined;
    await stream?.close().catch(() => {});
    await consumer?.close(true).catch(() => {});
  }

  /** Finishes the work in hand, leaves the group (a rebalance hands partitions on), closes. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped' || this.stateValue === 'stopping') return this.loop;
    this.stateValue = 'stopping';
    this.abort.abort();
    const loop = this.loop;
    await this.stream?.close().catch(() => {});
    await loop?.catch(() => {});
    await this.closeClient();
    if (this.core.deleteGroupOnStop) {
      await deleteConsumerGroups(this.core.brokers, [this.core.groupId]).catch((error) =>
        this.core.logger.warn({ err: error, group: this.core.groupId }, 'could not delete the consumer group'),
      );
    }
    this.stateValue = 'stopped';
  }
}

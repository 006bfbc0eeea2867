import { type AnyTopic, deadLetterTopic, type Envelope } from '@phzzk/contracts';
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

export type EventHandler = (event: Envelope, meta: EventMeta) => Promise<void>;

export interface EventConsumerOptions {
  brokers: string[];
  groupId: string;
  clientId?: string;
  topics: AnyTopic[];
  handle: EventHandler;
  /** Used to write dead letters. */
  producer: EventProducer;
  logger: Logger;
  /** Attempts for a failing handler before the message is dead-lettered. */
  attempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
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

type State = 'idle' | 'connecting' | 'consuming' | 'stopping' | 'stopped';

/**
 * A consumer group member that validates every event against its topic's contract, retries a
 * failing handler with backoff, dead-letters what cannot be processed (poison or exhausted), and
 * commits an offset only after the handler's side effect (or the dead letter) is durable.
 * Kafka being unreachable is not fatal: it keeps trying with backoff and reports not-ready.
 */
export class EventConsumer {
  private readonly options: Required<Omit<EventConsumerOptions, 'clientId'>> & { clientId: string };
  private readonly validators: Map<string, TopicValidator>;
  private readonly abort = new AbortController();
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private loop: Promise<void> | undefined;
  private stateValue: State = 'idle';
  private lastError: string | undefined;
  processed = 0;
  deadLettered = 0;

  constructor(options: EventConsumerOptions) {
    this.options = {
      attempts: 5,
      retryBaseMs: 100,
      retryMaxMs: 5000,
      startFrom: 'earliest',
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1000,
      deleteGroupOnStop: false,
      clientId: `${options.groupId}-consumer`,
      ...options,
    };
    this.validators = new Map(options.topics.map((t) => [t.name, new TopicValidator(t)]));
  }

  get state(): State {
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
        throw new Error(`consumer ${this.options.groupId} not consuming: ${this.lastError ?? this.stateValue}`);
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
        this.options.logger.warn(
          { err: error, groupId: this.options.groupId, retryInMs: delay },
          'kafka consumer failed, retrying',
        );
        await this.closeClient();
        await sleep(delay, this.abort.signal);
      }
    }
    this.stateValue = 'stopped';
  }

  private async consumeOnce(): Promise<void> {
    const o = this.options;
    this.consumer = new Consumer({
      clientId: o.clientId,
      groupId: o.groupId,
      bootstrapBrokers: o.brokers,
      autocommit: false,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: o.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(o.sessionTimeoutMs, 15_000),
      maxWaitTime: 500,
      retries: 3,
      retryDelay: 250,
      highWaterMark: 64,
    });
    this.stream = await this.consumer.consume({
      topics: [...this.validators.keys()],
      mode: 'committed',
      fallbackMode: o.startFrom,
    });
    this.stateValue = 'consuming';
    this.lastError = undefined;
    for await (const message of this.stream) {
      await this.process(message);
      if (this.abort.signal.aborted) break;
    }
    if (!this.abort.signal.aborted) throw new Error('consumer stream ended');
  }

  private async process(message: Message<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    const o = this.options;
    const meta: EventMeta = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key?.toString(),
    };
    let event: Envelope;
    try {
      const validator = this.validators.get(message.topic);
      if (!validator) throw new ContractViolation(message.topic, undefined, 'not a subscribed topic');
      event = validator.check(JSON.parse(message.value?.toString() ?? ''));
    } catch (error) {
      // Poison: retrying cannot fix bytes that break the contract.
      await this.deadLetter(message, error as Error, 0);
      return this.commit(message);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await o.handle(event, meta);
        this.processed++;
        return this.commit(message);
      } catch (error) {
        if (attempt >= o.attempts || this.abort.signal.aborted) {
          if (this.abort.signal.aborted) throw error; // leave uncommitted: the next owner retries it
          await this.deadLetter(message, error as Error, attempt);
          return this.commit(message);
        }
        const delay = backoffDelay(attempt - 1, o.retryBaseMs, o.retryMaxMs);
        o.logger.warn(
          { err: error, ...meta, offset: String(meta.offset), attempt, retryInMs: delay },
          'event handler failed, retrying',
        );
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async deadLetter(message: Message<Buffer, Buffer, Buffer, Buffer>, error: Error, attempts: number) {
    this.deadLettered++;
    this.options.logger.error(
      { err: error, topic: message.topic, partition: message.partition, offset: String(message.offset) },
      'event dead-lettered',
    );
    await this.options.producer.sendRaw(
      deadLetterTopic(message.topic),
      message.key ?? undefined,
      message.value ?? Buffer.alloc(0),
      {
        'x-error': error.message.slice(0, 1000),
        'x-error-type': error.name,
        'x-original-topic': message.topic,
        'x-original-partition': String(message.partition),
        'x-original-offset': String(message.offset),
        'x-consumer-group': this.options.groupId,
        'x-attempts': String(attempts),
      },
    );
  }

  private async commit(message: Message<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    try {
      await message.commit();
    } catch (error) {
      // A rebalance can invalidate the generation; the event may be redelivered, and handlers are idempotent.
      this.options.logger.warn(
        { err: error, topic: message.topic, offset: String(message.offset) },
        'offset commit failed',
      );
    }
  }

  private async closeClient(): Promise<void> {
    const stream = this.stream;
    const consumer = this.consumer;
    this.stream = undefined;
    this.consumer = undefined;
    await stream?.close().catch(() => {});
    await consumer?.close(true).catch(() => {});
  }

  /** Finishes the event in hand, leaves the group (a rebalance hands partitions on), closes. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped' || this.stateValue === 'stopping') return this.loop;
    this.stateValue = 'stopping';
    this.abort.abort();
    const loop = this.loop;
    await this.stream?.close().catch(() => {});
    await loop?.catch(() => {});
    await this.closeClient();
    if (this.options.deleteGroupOnStop) {
      await deleteConsumerGroups(this.options.brokers, [this.options.groupId]).catch((error) =>
        this.options.logger.warn({ err: error, group: this.options.groupId }, 'could not delete the consumer group'),
      );
    }
    this.stateValue = 'stopped';
  }
}

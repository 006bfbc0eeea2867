import { type AnyTopic, deadLetterTopic, type Envelope } from '@phzzk/contracts';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Logger } from '../logging/logger.ts';
import { backoffDelay, sleep } from './backoff.ts';
import type { EventMeta } from './event-consumer.ts';
import type { EventProducer } from './event-producer.ts';
import { ContractViolation, TopicValidator } from './event-validator.ts';

export interface BatchItem {
  event: Envelope;
  meta: EventMeta;
}

/** Applies a whole batch; it must be idempotent (a batch is redelivered after a crash or rebalance). */
export type BatchHandler = (items: BatchItem[]) => Promise<void>;

export interface BatchEventConsumerOptions {
  brokers: string[];
  groupId: string;
  clientId?: string;
  topics: AnyTopic[];
  handleBatch: BatchHandler;
  /** Used to write dead letters. */
  producer: EventProducer;
  logger: Logger;
  /** A batch is handed over when it holds this many events ... */
  maxBatch?: number;
  /** ... or when its first event has waited this long, whichever comes first. */
  maxWaitMs?: number;
  /**
   * Errors that say a dependency is away (database down), not that the events are bad: the batch
   * is retried without limit and consumption pauses meanwhile; nothing is dead-lettered for them.
   */
  isTransient?: (error: unknown) => boolean;
  /** Attempts for a batch failing with a non-transient error before it is split and retried event by event. */
  attempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  startFrom?: 'earliest' | 'latest';
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Messages the client fetches ahead of the batch being handled. */
  highWaterMark?: number;
}

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;
type State = 'idle' | 'connecting' | 'consuming' | 'stopping' | 'stopped';
const TIMEOUT = Symbol('timeout');

/**
 * The batch mode of EventConsumer: events are validated one by one (poison is dead-lettered at
 * once), collected, and handed to `handleBatch` every `maxBatch` events or `maxWaitMs`. Offsets
 * are committed only after the batch handler resolved, so every event a committed offset covers
 * has its side effect durable; a crash redelivers the uncommitted tail, which the idempotent
 * handler absorbs. While a transient failure lasts the consumer stops reading (backpressure).
 */
export class BatchEventConsumer {
  private readonly options: Required<Omit<BatchEventConsumerOptions, 'clientId' | 'isTransient'>> & {
    clientId: string;
    isTransient: (error: unknown) => boolean;
  };
  private readonly validators: Map<string, TopicValidator>;
  private readonly abort = new AbortController();
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private loop: Promise<void> | undefined;
  private stateValue: State = 'idle';
  private lastError: string | undefined;
  /** Set while a batch waits for a dependency (health reports it). */
  private stalledSince: number | undefined;
  processed = 0;
  deadLettered = 0;
  batches = 0;

  constructor(options: BatchEventConsumerOptions) {
    this.options = {
      maxBatch: 500,
      maxWaitMs: 1000,
      attempts: 3,
      retryBaseMs: 100,
      retryMaxMs: 5000,
      startFrom: 'earliest',
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1000,
      highWaterMark: 1024,
      clientId: `${options.groupId}-consumer`,
      isTransient: () => false,
      ...options,
    };
    this.validators = new Map(options.topics.map((t) => [t.name, new TopicValidator(t)]));
  }

  get state(): State {
    return this.stateValue;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  async waitUntilConsuming(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.stateValue !== 'consuming') {
      if (Date.now() > deadline)
        throw new Error(`consumer ${this.options.groupId} not consuming: ${this.lastError ?? this.stateValue}`);
      await sleep(50);
    }
  }

  healthy(): { ok: boolean; detail?: string } {
    if (this.stalledSince !== undefined)
      return { ok: false, detail: `paused for ${Date.now() - this.stalledSince} ms: ${this.lastError}` };
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
          'kafka batch consumer failed, retrying',
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
      maxWaitTime: 200,
      retries: 3,
      retryDelay: 250,
      highWaterMark: o.highWaterMark,
    });
    this.stream = await this.consumer.consume({
      topics: [...this.validators.keys()],
      mode: 'committed',
      fallbackMode: o.startFrom,
    });
    this.stateValue = 'consuming';
    this.lastError = undefined;
    const iterator = this.stream[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<KafkaMessage>> | undefined;
    let messages: KafkaMessage[] = [];
    let items: BatchItem[] = [];
    let deadline = 0;
    const flush = async () => {
      if (messages.length === 0) return;
      const batchMessages = messages;
      const batchItems = items;
      messages = [];
      items = [];
      await this.handle(batchItems);
      await this.commit(batchMessages);
    };
    while (!this.abort.signal.aborted) {
      pending ??= iterator.next();
      let next: IteratorResult<KafkaMessage> | typeof TIMEOUT;
      if (messages.length === 0) next = await pending;
      else {
        let timer: NodeJS.Timeout | undefined;
        next = await Promise.race([
          pending,
          new Promise<typeof TIMEOUT>((resolve) => {
            timer = setTimeout(() => resolve(TIMEOUT), Math.max(0, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
      }
      if (next === TIMEOUT) {
        await flush();
        continue;
      }
      pending = undefined;
      if (next.done) break;
      const message = next.value;
      if (messages.length === 0) deadline = Date.now() + o.maxWaitMs;
      messages.push(message);
      const item = await this.validate(message);
      if (item) items.push(item);
      if (messages.length >= o.maxBatch) await flush();
    }
    // Stopping: what was read but not handled stays uncommitted; the next owner gets it.
    if (!this.abort.signal.aborted) throw new Error('consumer stream ended');
  }

  /** The event, or undefined when the message broke the contract (then it is dead-lettered). */
  private async validate(message: KafkaMessage): Promise<BatchItem | undefined> {
    const meta: EventMeta = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key?.toString(),
    };
    try {
      const validator = this.validators.get(message.topic);
      if (!validator) throw new ContractViolation(message.topic, undefined, 'not a subscribed topic');
      return { event: validator.check(JSON.parse(message.value?.toString() ?? '')), meta };
    } catch (error) {
      // Poison: retrying cannot fix bytes that break the contract.
      await this.deadLetter(meta, message.key ?? undefined, message.value ?? Buffer.alloc(0), error as Error, 0);
      return undefined;
    }
  }

  /** Runs the batch to success; transient errors wait, persistent ones split the batch and dead-letter the culprits. */
  private async handle(items: BatchItem[]): Promise<void> {
    if (items.length === 0) return;
    const o = this.options;
    let failures = 0;
    let stalls = 0;
    for (;;) {
      try {
        await o.handleBatch(items);
        this.processed += items.length;
        this.batches++;
        this.stalledSince = undefined;
        return;
      } catch (error) {
        if (this.abort.signal.aborted) throw error; // leave uncommitted: the next owner retries it
        this.lastError = (error as Error).message;
        if (o.isTransient(error)) {
          this.stalledSince ??= Date.now();
          const delay = backoffDelay(stalls++, o.retryBaseMs, o.retryMaxMs);
          o.logger.warn({ err: error, size: items.length, retryInMs: delay }, 'batch waits for a dependency');
          await sleep(delay, this.abort.signal);
          continue;
        }
        if (++failures >= o.attempts) break;
        await sleep(backoffDelay(failures - 1, o.retryBaseMs, o.retryMaxMs), this.abort.signal);
      }
    }
    this.stalledSince = undefined;
    if (items.length === 1) {
      const [item] = items as [BatchItem];
      await this.deadLetter(
        item.meta,
        item.meta.key,
        Buffer.from(JSON.stringify(item.event)),
        new Error(this.lastError ?? 'handler failed'),
        failures,
      );
      return;
    }
    o.logger.warn({ size: items.length }, 'batch keeps failing: handling its events one by one');
    for (const item of items) await this.handle([item]);
  }

  private async deadLetter(
    meta: EventMeta,
    key: string | Buffer | undefined,
    value: Buffer,
    error: Error,
    attempts: number,
  ): Promise<void> {
    this.deadLettered++;
    this.options.logger.error(
      { err: error, topic: meta.topic, partition: meta.partition, offset: String(meta.offset) },
      'event dead-lettered',
    );
    await this.options.producer.sendRaw(deadLetterTopic(meta.topic), key, value, {
      'x-error': error.message.slice(0, 1000),
      'x-error-type': error.name,
      'x-original-topic': meta.topic,
      'x-original-partition': String(meta.partition),
      'x-original-offset': String(meta.offset),
      'x-consumer-group': this.options.groupId,
      'x-attempts': String(attempts),
    });
  }

  /** Commits the last offset of every partition in the batch. */
  private async commit(messages: KafkaMessage[]): Promise<void> {
    const last = new Map<string, KafkaMessage>();
    for (const m of messages) last.set(`${m.topic}:${m.partition}`, m);
    for (const message of last.values()) {
      try {
        await message.commit();
      } catch (error) {
        // A rebalance can invalidate the generation; the batch may be redelivered, and handlers are idempotent.
        this.options.logger.warn(
          { err: error, topic: message.topic, offset: String(message.offset) },
          'offset commit failed',
        );
      }
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

  /** Finishes the batch in hand (if its dependency answers), leaves the group, closes. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped' || this.stateValue === 'stopping') return this.loop;
    this.stateValue = 'stopping';
    this.abort.abort();
    const loop = this.loop;
    await this.stream?.close().catch(() => {});
    await loop?.catch(() => {});
    await this.closeClient();
    this.stateValue = 'stopped';
  }
}

import type { Envelope, TopicContract } from '@phzzk/contracts';
import type { MessagesStream } from '@platformatic/kafka';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { backoffDelay, sleep } from './backoff.ts';
import { type ConsumerCoreOptions, ConsumerCore, type EventMeta, type KafkaMessage } from './consumer-core.ts';
import type { EventOfTopics } from './subscription.ts';

export interface BatchItem<E extends Envelope = Envelope> {
  event: E;
  meta: EventMeta;
}

/** Applies a whole batch; it must be idempotent (a batch is redelivered after a crash or rebalance). */
export type BatchHandler<E extends Envelope = Envelope> = (items: BatchItem<E>[]) => Promise<void>;

export interface BatchEventConsumerOptions<Ts extends readonly TopicContract[]> extends ConsumerCoreOptions {
  topics: Ts;
  /** Gets the events of `topics`, typed by their contracts and validated against their schemas. */
  handleBatch: BatchHandler<EventOfTopics<Ts>>;
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
  /** Messages the client fetches ahead of the batch being handled. */
  highWaterMark?: number;
}

const TIMEOUT = Symbol('timeout');
/** Messages read between two turns of the event loop. */
const YIELD_EVERY = 128;

/**
 * The batch mode of the consumer: events are validated one by one (poison is dead-lettered at
 * once), collected, and handed to `handleBatch` every `maxBatch` events or `maxWaitMs`. Offsets
 * are committed only after the batch handler resolved, so every event a committed offset covers
 * has its side effect durable; a crash redelivers the uncommitted tail, which the idempotent
 * handler absorbs. While a transient failure lasts the consumer stops reading (backpressure).
 */
export class BatchEventConsumer<Ts extends readonly TopicContract[]> extends ConsumerCore {
  private readonly batch: Required<
    Pick<
      BatchEventConsumerOptions<Ts>,
      'handleBatch' | 'maxBatch' | 'maxWaitMs' | 'isTransient' | 'attempts' | 'retryBaseMs' | 'retryMaxMs'
    >
  >;
  /** Set while a batch waits for a dependency (health reports it). */
  private stalledSince: number | undefined;
  batches = 0;

  constructor(options: BatchEventConsumerOptions<Ts>) {
    super(options, { maxWaitTime: 200, highWaterMark: options.highWaterMark ?? 4096 });
    this.batch = {
      maxBatch: 500,
      maxWaitMs: 1000,
      attempts: 3,
      retryBaseMs: 100,
      retryMaxMs: 5000,
      isTransient: () => false,
      ...options,
    };
  }

  override healthy(): { ok: boolean; detail?: string } {
    if (this.stalledSince !== undefined)
      return { ok: false, detail: `paused for ${Date.now() - this.stalledSince} ms: ${this.lastError}` };
    return super.healthy();
  }

  protected async consume(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    const iterator = stream[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<KafkaMessage>> | undefined;
    let messages: KafkaMessage[] = [];
    let items: BatchItem<EventOfTopics<Ts>>[] = [];
    let deadline = 0;
    // One batch is handled while the next is read and validated; batches are handled one after
    // the other, and each one's offsets are committed after its handler (and the previous
    // commit) resolved. A stalled batch stops the reading once the next batch is full.
    let handled: Promise<void> = Promise.resolve();
    let committed: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (messages.length === 0) return;
      const batchMessages = messages;
      const batchItems = items;
      messages = [];
      items = [];
      await handled;
      const handling = this.handle(batchItems);
      const previousCommit = committed;
      committed = handling.then(async () => {
        await previousCommit;
        await this.commit(batchMessages);
      });
      handled = handling;
      // Awaited by the next flush or at the end; marked handled so that a rejection meanwhile
      // (an abort) is not reported as unhandled.
      handling.catch(() => {});
      committed.catch(() => {});
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
      if (messages.length === 0) deadline = Date.now() + this.batch.maxWaitMs;
      messages.push(message);
      // Buffered messages resolve as microtasks: without a turn of the event loop now and then,
      // reading a whole batch would hold back the socket I/O of the batch being handled (its
      // query not yet sent, its answer not yet read) and every HTTP request of the process.
      if (messages.length % YIELD_EVERY === 0) await nextTurn();
      const event = await this.validate(message);
      // Validated against the topic's contract, so it is one of the topics' typed events.
      if (event) items.push({ event: event as EventOfTopics<Ts>, meta: this.metaOf(message) });
      if (messages.length >= this.batch.maxBatch) await flush();
    }
    await Promise.all([handled, committed]);
  }

  /** Runs the batch to success; transient errors wait, persistent ones split the batch and dead-letter the culprits. */
  private async handle(items: BatchItem<EventOfTopics<Ts>>[]): Promise<void> {
    if (items.length === 0) return;
    const o = this.batch;
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
          this.core.logger.warn({ err: error, size: items.length, retryInMs: delay }, 'batch waits for a dependency');
          await sleep(delay, this.abort.signal);
          continue;
        }
        if (++failures >= o.attempts) break;
        await sleep(backoffDelay(failures - 1, o.retryBaseMs, o.retryMaxMs), this.abort.signal);
      }
    }
    this.stalledSince = undefined;
    if (items.length === 1) {
      const [item] = items as [BatchItem<EventOfTopics<Ts>>];
      await this.deadLetter(
        item.meta,
        item.meta.key,
        Buffer.from(JSON.stringify(item.event)),
        new Error(this.lastError ?? 'handler failed'),
        failures,
      );
      return;
    }
    this.core.logger.warn({ size: items.length }, 'batch keeps failing: handling its events one by one');
    for (const item of items) await this.handle([item]);
  }
}

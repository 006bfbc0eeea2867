import type { MessagesStream } from '@platformatic/kafka';
import { backoffDelay, sleep } from './backoff.ts';
import { type ConsumerCoreOptions, ConsumerCore, type KafkaMessage } from './consumer-core.ts';
import { dispatcher, type Subscription, topicsOf } from './subscription.ts';

export type { EventMeta } from './consumer-core.ts';

export interface EventConsumerOptions extends Omit<ConsumerCoreOptions, 'topics'> {
  /** The topics read and the handler of each event type (see `subscribe`). */
  subscriptions: readonly Subscription[];
  /** Attempts for a failing handler before the message is dead-lettered. */
  attempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * A consumer group member that hands every event (validated against its topic's contract) to the
 * handler registered for its type, retries a failing handler with backoff, dead-letters what
 * cannot be processed (poison or exhausted), and commits an offset only after the handler's side
 * effect (or the dead letter) is durable.
 */
export class EventConsumer extends ConsumerCore {
  private readonly handle: ReturnType<typeof dispatcher>;
  private readonly retry: { attempts: number; retryBaseMs: number; retryMaxMs: number };

  constructor(options: EventConsumerOptions) {
    super(
      { ...options, topics: topicsOf(options.subscriptions) },
      {
        maxWaitTime: 500,
        highWaterMark: 64,
      },
    );
    this.handle = dispatcher(options.subscriptions);
    this.retry = {
      attempts: options.attempts ?? 5,
      retryBaseMs: options.retryBaseMs ?? 100,
      retryMaxMs: options.retryMaxMs ?? 5000,
    };
  }

  protected async consume(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    for await (const message of stream) {
      await this.process(message);
      if (this.abort.signal.aborted) break;
    }
  }

  private async process(message: KafkaMessage): Promise<void> {
    const event = await this.validate(message);
    if (!event) return this.commit([message]);
    const meta = this.metaOf(message);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.handle(event, meta);
        this.processed++;
        return this.commit([message]);
      } catch (error) {
        if (attempt >= this.retry.attempts || this.abort.signal.aborted) {
          if (this.abort.signal.aborted) throw error; // leave uncommitted: the next owner retries it
          await this.deadLetter(
            meta,
            message.key ?? undefined,
            message.value ?? Buffer.alloc(0),
            error as Error,
            attempt,
          );
          return this.commit([message]);
        }
        const delay = backoffDelay(attempt - 1, this.retry.retryBaseMs, this.retry.retryMaxMs);
        this.core.logger.warn(
          { err: error, ...meta, offset: String(meta.offset), attempt, retryInMs: delay },
          'event handler failed, retrying',
        );
        await sleep(delay, this.abort.signal);
      }
    }
  }
}

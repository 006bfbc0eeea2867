import { Topics } from '@phzzk/contracts';
import { backoffDelay, type EventProducer, type Logger, sleep } from '@phzzk/kit';
import { v7 as uuidv7 } from 'uuid';
import type { ChannelEventSink, StreamEndedData, StreamStartedData } from '../domain/ports.ts';

type Pending =
  | { id: string; type: 'stream.started'; data: StreamStartedData }
  | { id: string; type: 'stream.ended'; data: StreamEndedData };

/**
 * stream.started / stream.ended to `channel.events`, keyed by channel, one at a time in the order
 * they happened (a session's end never overtakes its start). While Kafka is away an event is
 * retried with backoff under the same envelope id, so consumers can drop a duplicate.
 */
export class KafkaEventSink implements ChannelEventSink {
  private readonly producer: EventProducer;
  private readonly logger: Logger;
  private readonly queue: Pending[] = [];
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private idle: (() => void)[] = [];
  published = 0;

  constructor(producer: EventProducer, logger: Logger) {
    this.producer = producer;
    this.logger = logger;
  }

  started(data: StreamStartedData): void {
    this.enqueue({ id: uuidv7(), type: 'stream.started', data });
  }

  ended(data: StreamEndedData): void {
    this.enqueue({ id: uuidv7(), type: 'stream.ended', data });
  }

  get backlog(): number {
    return this.queue.length;
  }

  /** Resolves once everything queued so far is sent, or after `timeoutMs` (what is left is logged). */
  async drain(timeoutMs: number): Promise<void> {
    if (this.queue.length === 0) return;
    const stop = new AbortController();
    const drained = new Promise<void>((resolve) => this.idle.push(resolve));
    const timedOut = await Promise.race([drained.then(() => false), sleep(timeoutMs, stop.signal).then(() => true)]);
    stop.abort();
    if (timedOut && this.queue.length > 0) {
      this.logger.error({ lost: this.queue.map((p) => ({ type: p.type, ...p.data })) }, 'channel events not delivered');
    }
  }

  close(): void {
    this.abort.abort();
  }

  private enqueue(event: Pending): void {
    this.queue.push(event);
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (this.queue.length > 0 && !this.abort.signal.aborted) {
      const event = this.queue[0]!;
      try {
        await this.producer.publish(Topics.channelEvents, event.type, event.data as never, { id: event.id });
        this.queue.shift();
        this.published++;
        attempt = 0;
        this.logger.info({ type: event.type, ...event.data }, 'channel event published');
      } catch (error) {
        const delay = backoffDelay(attempt++, 200, 5000);
        this.logger.warn({ err: error, type: event.type, retryInMs: delay }, 'channel event not published yet');
        await sleep(delay, this.abort.signal).catch(() => {});
      }
    }
    for (const resolve of this.idle.splice(0)) resolve();
  }
}

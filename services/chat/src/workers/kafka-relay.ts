import type { Logger } from '@phzzk/kit';
import type { EventSink, ModerationStore, RelayLog } from '../domain/ports.ts';

export interface KafkaRelayOptions {
  log: RelayLog;
  sink: EventSink;
  store: Pick<ModerationStore, 'raiseSeqFloor'>;
  /** This node's name, as lease holder. */
  owner: string;
  intervalMs: number;
  leaseMs: number;
  batch: number;
  logger: Logger;
}

/**
 * Puts every channel's log on Kafka (chat.messages, chat.moderation) in seq order, from whichever
 * node holds the channel's relay lease: a node that dies mid-batch loses the lease and another
 * continues from the cursor. An event may be published twice then, with the same envelope id, which
 * consumers already deduplicate. While Kafka is away, events wait in the log (which keeps what is
 * not relayed, up to its hard bound) and sending goes on.
 */
export class KafkaRelay {
  private readonly options: KafkaRelayOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failing = false;
  private lastError: string | undefined;
  private kicked = false;
  published = 0;

  constructor(options: KafkaRelayOptions) {
    this.options = options;
  }

  start(): void {
    this.schedule(0);
  }

  /** An append happened here: relay soon rather than at the next tick. */
  kick(): void {
    if (this.running) {
      this.kicked = true;
      return;
    }
    if (!this.failing) this.schedule(0);
  }

  healthy(): { ok: boolean; detail?: string } {
    return this.lastError ? { ok: false, detail: this.lastError } : { ok: true };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        const again = this.kicked && !this.failing;
        this.kicked = false;
        this.schedule(again ? 0 : this.failing ? this.options.intervalMs * 10 : this.options.intervalMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { log, owner, leaseMs } = this.options;
    try {
      const channels = await log.unrelayed(100);
      for (const channelId of channels) {
        if (this.stopped) return;
        if (!(await log.lease(channelId, owner, leaseMs))) continue;
        await this.relayChannel(channelId);
      }
      this.failing = false;
      this.lastError = undefined;
    } catch (error) {
      this.failing = true;
      this.lastError = (error as Error).message;
      this.options.logger.warn({ err: error }, 'chat relay to Kafka failed; events wait in the log');
    }
  }

  private async relayChannel(channelId: string): Promise<void> {
    const { log, sink, owner, batch, store } = this.options;
    let cursor = await log.cursor(channelId);
    try {
      for (;;) {
        const entries = await log.entries(channelId, cursor, batch);
        if (entries.length > 0) {
          // In seq order within the batch: concurrent sends to one partition keep their order.
          await Promise.all(
            entries.map((e) => sink.publish(e.kafka.topic, e.kafka.type, { ...e.kafka.data, seq: e.seq }, e.kafka.id)),
          );
          cursor = entries[entries.length - 1]!.seq;
          this.published += entries.length;
          await store.raiseSeqFloor(channelId, cursor).catch(() => {});
        }
        await log.advance(channelId, cursor, owner);
        if (entries.length < batch) return;
        await log.lease(channelId, owner, this.options.leaseMs);
      }
    } catch (error) {
      // Let another node (or this one, later) try: a stuck lease would hold the channel back.
      await log.releaseLease(channelId, owner).catch(() => {});
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

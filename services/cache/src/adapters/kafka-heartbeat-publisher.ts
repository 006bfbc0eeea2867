import { Topics } from '@phzzk/contracts';
import type { EventProducer } from '@phzzk/kit';
import type { HeartbeatPublisher } from '../domain/ports.ts';

type Heartbeat = Parameters<HeartbeatPublisher['publish']>[0];

interface Pending {
  heartbeat: Heartbeat;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * viewer.heartbeats, keyed by channel (so one consumer counts a channel's viewers at a time).
 * Heartbeats arriving together go out together: they are collected for at most `lingerMs` (or
 * until `maxBatch`), and while a request is in flight, and sent in one produce request; each
 * caller's promise resolves when Kafka has its heartbeat, so a 202 still means "accepted by
 * Kafka". Thousands of players cost tens of produce requests a second instead of thousands.
 */
export class KafkaHeartbeatPublisher implements HeartbeatPublisher {
  private readonly producer: EventProducer;
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending = false;

  constructor(producer: EventProducer, options: { lingerMs?: number; maxBatch?: number } = {}) {
    this.producer = producer;
    this.lingerMs = options.lingerMs ?? 5;
    this.maxBatch = options.maxBatch ?? 500;
  }

  publish(heartbeat: Heartbeat): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ heartbeat, resolve, reject });
      if (this.sending) return; // goes out with the next request, when this one is acknowledged
      if (this.queue.length >= this.maxBatch) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.lingerMs);
    });
  }

  /**
   * One produce request at a time: what arrives while one is in flight waits for its
   * acknowledgement and then goes out together, so a slow broker gets bigger requests, not a
   * growing queue of small ones.
   */
  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.producer.publishMany(
            Topics.viewerHeartbeats,
            'viewer.heartbeat',
            batch.map((p) => ({ data: p.heartbeat })),
          );
          for (const p of batch) p.resolve();
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}

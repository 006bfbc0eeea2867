import { Topics } from '@phzzk/contracts';
import type { EventProducer } from '@phzzk/kit';
import type { HeartbeatPublisher } from '../domain/ports.ts';

/** viewer.heartbeats, keyed by channel (so one consumer counts a channel's viewers at a time). */
export class KafkaHeartbeatPublisher implements HeartbeatPublisher {
  private readonly producer: EventProducer;
  constructor(producer: EventProducer) {
    this.producer = producer;
  }

  async publish(heartbeat: Parameters<HeartbeatPublisher['publish']>[0]): Promise<void> {
    await this.producer.publish(Topics.viewerHeartbeats, 'viewer.heartbeat', heartbeat);
  }
}

import { Topics } from '@phzzk/contracts';
import type { EventProducer } from '@phzzk/kit';
import type { ChangePublisher, ConfigChange } from '../domain/ports.ts';

/** `config.changed` on Kafka, keyed by application (`*` for everyone). */
export class KafkaChangePublisher implements ChangePublisher {
  private readonly producer: EventProducer;

  constructor(producer: EventProducer) {
    this.producer = producer;
  }

  async publish(change: ConfigChange): Promise<void> {
    await this.producer.publish(Topics.configChanged, 'config.changed', change, { key: change.application });
  }
}

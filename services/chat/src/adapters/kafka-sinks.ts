import { type AnyTopic, Topics } from '@phzzk/contracts';
import type { EventProducer } from '@phzzk/kit';
import type { EventSink, PresenceSink } from '../domain/ports.ts';

const byName = new Map<string, AnyTopic>([
  [Topics.chatMessages.name, Topics.chatMessages],
  [Topics.chatModeration.name, Topics.chatModeration],
]);

type LoosePublish = (
  topic: AnyTopic,
  type: string,
  data: Record<string, unknown>,
  options?: { id?: string },
) => Promise<unknown>;

/** The relay's events, validated against their topic's contract by the kit's producer. */
export class KafkaEventSink implements EventSink {
  private readonly publishLoose: LoosePublish;

  constructor(producer: EventProducer) {
    this.publishLoose = producer.publish.bind(producer) as unknown as LoosePublish;
  }

  async publish(topic: string, type: string, data: Record<string, unknown>, id: string): Promise<void> {
    const contract = byName.get(topic);
    if (!contract) throw new Error(`chat publishes nothing on ${topic}`);
    await this.publishLoose(contract, type, data, { id });
  }
}

export class KafkaPresenceSink implements PresenceSink {
  private readonly publishLoose: LoosePublish;

  constructor(producer: EventProducer) {
    this.publishLoose = producer.publish.bind(producer) as unknown as LoosePublish;
  }

  async publish(type: 'join' | 'leave' | 'presence.snapshot', data: Record<string, unknown>): Promise<void> {
    await this.publishLoose(Topics.chatPresence, type, data);
  }
}

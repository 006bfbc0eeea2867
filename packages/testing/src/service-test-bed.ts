import { topicSpecs } from '@phzzk/contracts';
import { createLogger, EventProducer, ensureTopics } from '@phzzk/kit';
import { freshSchema, uniqueName } from './fresh.ts';
import { testInfra } from './infra.ts';

/**
 * What one service's tests stand on: the real infrastructure with `topics` (and their dead-letter
 * topics) created, a fresh schema, a consumer group of their own, a producer for test events, and
 * the environment that points the service at all of it. `close()` after the service has stopped.
 */
export async function serviceTestBed(
  service: string,
  topics: readonly { name: string; partitions: number }[],
  options: {
    /** The producer the test events say they come from (default `<service>-test`). */ producer?: string;
    /** Another Kafka than the shared one (a private broker a test restarts). */
    brokers?: string[];
  } = {},
) {
  const infra = await testInfra();
  const brokers = options.brokers ?? infra.kafkaBrokers;
  await ensureTopics(brokers, topicSpecs(topics));
  const schema = freshSchema(infra.databaseUrl, `${service}_test`);
  const group = uniqueName(`${service}_test`);
  const logger = createLogger({ service: `${service}-test`, instanceId: group, level: 'silent' });
  const producer = new EventProducer({ brokers, producer: options.producer ?? `${service}-test`, logger });
  const env: Record<string, string> = {
    DATABASE_URL: infra.databaseUrl,
    DATABASE_SCHEMA: schema.name,
    REDIS_URL: infra.redisUrl,
    KAFKA_BROKERS: brokers.join(','),
  };
  return {
    infra,
    brokers,
    schema,
    group,
    producer,
    env,
    async close(): Promise<void> {
      await producer.close();
      await schema.drop();
    },
  };
}

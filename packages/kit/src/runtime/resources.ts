import type { AnyTopic, TopicContract } from '@phzzk/contracts';
import type { TObject } from 'typebox';
import { type Database, createDatabase, databaseHealth } from '../postgres/database.ts';
import { type KitTable, kitMigrations } from '../postgres/kit-tables.ts';
import { loadMigrations, migrate } from '../postgres/migrate.ts';
import { OutboxRelay } from '../postgres/outbox-relay.ts';
import { pruneProcessedEvents } from '../postgres/process-once.ts';
import { BatchEventConsumer, type BatchEventConsumerOptions } from '../kafka/batch-event-consumer.ts';
import type { ConsumerCore } from '../kafka/consumer-core.ts';
import { EventConsumer, type EventConsumerOptions } from '../kafka/event-consumer.ts';
import { EventProducer } from '../kafka/event-producer.ts';
import { createRedis, type Redis, redisHealth } from '../redis/redis.ts';
import type { ServiceContext } from './start-service.ts';

// The resources most services open, each with its health check and its place in the shutdown order.

type Values = Record<string, unknown>;
const values = (ctx: ServiceContext<TObject>) => ctx.config.values as Values;

/**
 * The service's own PostgreSQL schema, migrated before the service answers anything: first the
 * kit tables it uses (`outbox` for `startOutbox`, `processed-events` for `processOnce`), then its
 * own migration files.
 */
export async function openDatabase(
  ctx: ServiceContext<TObject>,
  options: { defaultSchema: string; migrationsDir: string; kitTables?: readonly KitTable[] },
): Promise<{ db: Database; schema: string }> {
  const v = values(ctx);
  const schema = (v['database.schema'] as string | undefined) ?? options.defaultSchema;
  const db = createDatabase({
    url: v['database.url'] as string,
    schema,
    poolSize: v['database.pool-size'] as number,
    applicationName: ctx.identity.instanceId,
  });
  ctx.lifecycle.onClose('postgres', () => db.end());
  const own = await loadMigrations(options.migrationsDir);
  await migrate(db, schema, [...kitMigrations(options.kitTables ?? []), ...own]);
  ctx.health.register('postgres', () => databaseHealth(db));
  return { db, schema };
}

/** A Redis client; `critical: false` when the service keeps serving without it (a cache). */
export function openRedis(ctx: ServiceContext<TObject>, options: { critical?: boolean } = {}): Redis {
  const redis = createRedis(values(ctx)['redis.url'] as string, `${ctx.identity.service}-${ctx.identity.instanceId}`);
  ctx.lifecycle.onClose('redis', () => redis.disconnect());
  ctx.health.register('redis', () => redisHealth(redis), { critical: options.critical ?? true });
  return redis;
}

export function openProducer(ctx: ServiceContext<TObject>): EventProducer {
  const producer = new EventProducer({
    brokers: values(ctx)['kafka.brokers'] as string[],
    producer: ctx.identity.service,
    logger: ctx.logger,
  });
  ctx.lifecycle.onClose('kafka producer', () => producer.close());
  return producer;
}

/** Publishes the service's outbox to a topic; events wait there while Kafka is away (reported, not fatal). */
export function startOutbox(
  ctx: ServiceContext<TObject>,
  options: { db: Database; producer: EventProducer; schema: string; topic: AnyTopic },
): OutboxRelay {
  const relay = new OutboxRelay({ ...options, logger: ctx.logger });
  relay.start();
  ctx.lifecycle.onClose('outbox relay', () => relay.stop());
  ctx.health.register('kafka-outbox', () => relay.backlog(), { critical: false });
  return relay;
}

/**
 * Forgets processed event ids older than `database.processed-events.retention-hours`, at start
 * and then every `intervalMs`, so the table `processOnce` keeps does not grow without end.
 */
export function startProcessedEventsPruning(
  ctx: ServiceContext<TObject>,
  db: Database,
  intervalMs = 3_600_000,
): { prune(): Promise<number> } {
  const retentionMs = (values(ctx)['database.processed-events.retention-hours'] as number) * 3_600_000;
  let running: Promise<number> | undefined;
  const prune = (): Promise<number> => {
    running ??= pruneProcessedEvents(db, new Date(Date.now() - retentionMs))
      .then((n) => {
        if (n > 0) ctx.logger.info({ forgotten: n }, 'pruned processed event ids');
        return n;
      })
      .catch((error) => {
        ctx.logger.warn({ err: error }, 'pruning processed event ids failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(prune, intervalMs);
  timer.unref();
  void prune();
  ctx.lifecycle.onClose('processed-events pruning', async () => {
    clearInterval(timer);
    await running;
  });
  return { prune };
}

type Running = { name?: string; critical?: boolean };

/** Starts a consumer now, stops it on close, reports its health (not critical unless asked). */
function run<C extends ConsumerCore>(ctx: ServiceContext<TObject>, name: string, critical: boolean, consumer: C): C {
  consumer.start();
  ctx.lifecycle.onClose(name, () => consumer.stop());
  ctx.health.register(name, () => consumer.healthy(), { critical });
  return consumer;
}

const kafkaOf = (ctx: ServiceContext<TObject>) => ({
  brokers: values(ctx)['kafka.brokers'] as string[],
  logger: ctx.logger,
});

/**
 * Consumes the subscriptions' topics in a consumer group (see `subscribe`), health `kafka-consumer`
 * unless named otherwise; not critical by default: the HTTP API keeps working while Kafka is away
 * (the events wait).
 */
export function startConsumer(
  ctx: ServiceContext<TObject>,
  options: Omit<EventConsumerOptions, 'brokers' | 'logger'> & Running,
): EventConsumer {
  const { name = 'kafka-consumer', critical = false, ...rest } = options;
  return run(ctx, name, critical, new EventConsumer({ ...rest, ...kafkaOf(ctx) }));
}

/** The batch form of `startConsumer` (the handler gets the topics' typed events in batches). */
export function startBatchConsumer<Ts extends readonly TopicContract[]>(
  ctx: ServiceContext<TObject>,
  options: Omit<BatchEventConsumerOptions<Ts>, 'brokers' | 'logger'> & Running & { name: string },
): BatchEventConsumer<Ts> {
  const { name, critical = false, ...rest } = options;
  return run(ctx, name, critical, new BatchEventConsumer<Ts>({ ...rest, ...kafkaOf(ctx) }));
}

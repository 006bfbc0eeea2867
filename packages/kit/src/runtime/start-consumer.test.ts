import { Topics } from '@phzzk/contracts';
import type { TObject } from 'typebox';
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../health/health-registry.ts';
import type { EventProducer } from '../kafka/event-producer.ts';
import { subscribe } from '../kafka/subscription.ts';
import { createLogger } from '../logging/logger.ts';
import { Lifecycle } from './lifecycle.ts';
import { startBatchConsumer, startConsumer } from './resources.ts';
import type { ServiceContext } from './start-service.ts';

const logger = createLogger({ service: 'kit-test', instanceId: 'kit-test', level: 'silent' });
// Nothing listens on port 1: the consumers keep retrying and report it, as while Kafka is away.
const context = () =>
  ({
    config: { values: { 'kafka.brokers': ['127.0.0.1:1'] } },
    logger,
    lifecycle: new Lifecycle(),
    health: new HealthRegistry(),
  }) as unknown as ServiceContext<TObject>;
const producer = {} as EventProducer; // dead letters are never reached here

describe('startConsumer / startBatchConsumer', () => {
  it('start at once, report not-ready (not critical) while Kafka is away, and stop on close', async () => {
    const ctx = context();
    const one = startConsumer(ctx, {
      groupId: 'kit-test-unreachable',
      subscriptions: [subscribe(Topics.vodEvents, { on: {}, ignore: ['vod.ready', 'vod.deleted'] })],
      producer,
    });
    const batch = startBatchConsumer(ctx, {
      name: 'kafka-batch',
      groupId: 'kit-test-unreachable-batch',
      topics: [Topics.viewerHeartbeats] as const,
      handleBatch: async () => {},
      producer,
    });
    expect(one.state).not.toBe('idle');
    expect(batch.state).not.toBe('idle');
    const report = await ctx.health.report();
    expect(report.status).toBe('up'); // neither is critical
    expect(report.checks['kafka-consumer']?.status).toBe('down');
    expect(report.checks['kafka-batch']?.status).toBe('down');
    await ctx.lifecycle.close(logger);
    expect(one.state).toBe('stopped');
    expect(batch.state).toBe('stopped');
  });
});

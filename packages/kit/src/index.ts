export * from './config/base-config.ts';
export * from './config/config-server-client.ts';
export * from './config/live-config.ts';
export * from './discovery/create-discovery.ts';
export * from './discovery/discovery-client.ts';
export * from './discovery/eureka-discovery.ts';
export * from './discovery/eureka-options.ts';
export * from './discovery/eureka-event-stream.ts';
export * from './discovery/eureka-view.ts';
export * from './discovery/eureka-wire.ts';
export * from './discovery/kubernetes-discovery.ts';
export * from './discovery/static-discovery.ts';
export * from './health/health-registry.ts';
// Domain failures; their factories (invalid, notFound, ...) are imported from '@phzzk/kit/errors'.
export {
  DomainError,
  ERROR_KINDS,
  type ErrorFrameOf,
  type ErrorKind,
  errorFrameOf,
  httpStatusOf,
  kindOfStatus,
} from './errors/index.ts';
export * from './http/build-app.ts';
export * from './http/domain-problem.ts';
export * from './http/http-metrics.ts';
export * from './http/openapi.ts';
export * from './http/problem-error.ts';
export * from './http/request-id.ts';
export * from './http/strict-validator.ts';
export * from './kafka/backoff.ts';
export * from './kafka/consumer-core.ts';
export * from './kafka/event-consumer.ts';
export * from './kafka/subscription.ts';
export * from './kafka/event-producer.ts';
export * from './kafka/event-validator.ts';
export * from './kafka/topic-admin.ts';
export * from './logging/logger.ts';
export * from './postgres/database.ts';
export * from './postgres/kit-tables.ts';
export * from './postgres/migrate.ts';
export * from './redis/redis.ts';
export * from './runtime/lifecycle.ts';
export * from './runtime/run-service-main.ts';
export * from './runtime/define-service.ts';
export * from './runtime/start-service.ts';
export * from './postgres/process-once.ts';
export * from './postgres/outbox-relay.ts';
export * from './runtime/resources.ts';
export * from './http/internal-routes.ts';
export * from './http/path-decision.ts';
export * from './http/service-keys.ts';
export * from './http/service-trust.ts';
export * from './postgres/transaction.ts';
export * from './redis/redis-script.ts';
export * from './http/caller.ts';
export * from './security/url-credentials.ts';
export * from './kafka/batch-event-consumer.ts';

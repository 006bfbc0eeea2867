import type { InfraEndpoints } from '@phzzk/tools/infra';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let endpoints: Promise<InfraEndpoints> | undefined;

/**
 * The real PostgreSQL, Redis and Kafka the tests talk to. `npm test` brings them up and passes
 * their endpoints in the environment; running vitest directly brings them up here instead.
 */
export function testInfra(): Promise<InfraEndpoints> {
  const env = process.env;
  if (env.DATABASE_URL && env.REDIS_URL && env.KAFKA_BROKERS) {
    return Promise.resolve({
      databaseUrl: env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
      kafkaBrokers: env.KAFKA_BROKERS.split(','),
    });
  }
  endpoints ??= import('@phzzk/tools/infra').then(({ ensureInfra }) =>
    ensureInfra({ root, env, log: () => {} }).then((r) => r.endpoints),
  );
  return endpoints;
}

export const repoRoot = root;

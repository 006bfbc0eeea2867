import { Topics } from '@phzzk/contracts';
import { ensureTopics, identityHeaders, internalCallHeaders, StaticDiscovery, startService } from '@phzzk/kit';
import { ApiClient, freshSchema, testInfra } from '@phzzk/testing';
import { userService } from '../src/service.ts';

/** Light argon2 parameters for tests (the defaults are OWASP-grade and cost ~50 ms per hash). */
export const TEST_ARGON2_ENV = { USER_ARGON2_MEMORY_KIB: '1024', USER_ARGON2_TIME_COST: '1' };

/**
 * A user service on a fresh schema, against the real PostgreSQL and Kafka; with the light argon2
 * parameters unless `productionArgon2` (the service's defaults, for a benchmark).
 */
export async function startUserService(
  env: Record<string, string> = {},
  schemaName?: string,
  options: { productionArgon2?: boolean } = {},
) {
  const infra = await testInfra();
  await ensureTopics(infra.kafkaBrokers, [{ name: Topics.userEvents.name, partitions: Topics.userEvents.partitions }]);
  const schema = freshSchema(infra.databaseUrl, 'user_test');
  const running = await startService(userService, {
    env: {
      DATABASE_URL: infra.databaseUrl,
      DATABASE_SCHEMA: schemaName ?? schema.name,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      LOG_LEVEL: 'silent',
      ...(options.productionArgon2 ? {} : TEST_ARGON2_ENV),
      ...env,
    },
    discovery: new StaticDiscovery([]),
  });
  return {
    infra,
    schema,
    running,
    /** Calls /internal as the auth service does (a signed service credential). */
    api: new ApiClient(running.url).withSigner((method, path) =>
      path.startsWith('/internal/') ? internalCallHeaders(method, path, { service: 'auth' }) : {},
    ),
    /** No credential at all. */
    anonymous: new ApiClient(running.url),
    async stop() {
      await running.stop();
      if (!schemaName) await schema.drop();
    },
  };
}

/** Headers the gateway sets for a signed-in caller, signed (services trust only these). */
export const asUser = (id: string) => identityHeaders({ userId: id, sessionId: 'test-session', roles: ['user'] });

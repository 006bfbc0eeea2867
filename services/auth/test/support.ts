import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRedis, type ServiceInstance, StaticDiscovery, startService } from '@phzzk/kit';
import { ApiClient, testInfra, uniqueName } from '@phzzk/testing';
import { startUserService } from '../../user/test/support.ts';
import { authService } from '../src/service.ts';

export const ISSUER = 'phzzk-auth';
export const AUDIENCE = 'phzzk';

export function rsaPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

export const instanceOf = (running: { instance: ServiceInstance }) => running.instance;

/**
 * A user service (fresh schema) and an auth service that finds it through a StaticDiscovery,
 * with its own Redis key prefix so test files never share counters or sessions
 * (`productionArgon2`: the user service hashes as in production, for a benchmark).
 */
export async function startIdentity(
  authEnv: Record<string, string> = {},
  options: { configuredKeys?: boolean; productionArgon2?: boolean } = {},
) {
  const infra = await testInfra();
  const user = await startUserService({}, undefined, { productionArgon2: options.productionArgon2 });
  const discovery = new StaticDiscovery([]);
  discovery.set('user', [user.running.instance]);
  const prefix = `${uniqueName('phzzk_test')}:auth:`;
  const signingKeys = [{ kid: `k-${randomBytes(3).toString('hex')}`, privateKeyPem: rsaPem(), active: true }];
  const auth = await startService(authService, {
    env: {
      REDIS_URL: infra.redisUrl,
      AUTH_REDIS_PREFIX: prefix,
      ...(options.configuredKeys === false ? {} : { AUTH_SIGNING_KEYS: JSON.stringify(signingKeys) }),
      LOG_LEVEL: 'silent',
      ...authEnv,
    },
    discovery,
  });
  return {
    infra,
    user,
    auth,
    discovery,
    prefix,
    signingKeys,
    api: new ApiClient(auth.url),
    async stop() {
      await auth.stop();
      await user.stop();
      // Sessions live for weeks: remove this run's keys rather than leave them to expire.
      const redis = createRedis(infra.redisUrl, 'auth-test-cleanup');
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

let counter = 0;
/** A fresh, valid sign-up body. */
export function newAccount() {
  const tag = `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;
  return {
    email: `member.${tag}@example.com`,
    nickname: `m${tag}`.slice(0, 20),
    password: 'violet harbor lanterns 42',
  };
}

export type Tokens = { accessToken: string; refreshToken: string; tokenType: string; expiresIn: number };

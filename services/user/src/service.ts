import { fileURLToPath } from 'node:url';
import { Topics } from '@phzzk/contracts';
import { defineService, openDatabase, openProducer, serviceConfig, startOutbox } from '@phzzk/kit';
import { randomBytes } from 'node:crypto';
import Type from 'typebox';
import { Argon2Hasher } from './adapters/argon2-hasher.ts';
import { PgUserRepository } from './adapters/pg-user-repository.ts';
import { buildUserApp } from './app.ts';
import { Accounts } from './domain/accounts.ts';
import { FailureCounter } from './domain/failure-counter.ts';

export const UserConfig = serviceConfig(['database', 'kafka'], {
  // argon2id defaults are OWASP's minimum (m=19 MiB, t=2, p=1); tests may lower them.
  'user.argon2.memory-kib': Type.Integer({ default: 19_456, minimum: 8, maximum: 4_194_304 }),
  'user.argon2.time-cost': Type.Integer({ default: 2, minimum: 1, maximum: 100 }),
  'user.argon2.parallelism': Type.Integer({ default: 1, minimum: 1, maximum: 16 }),
  /** A secret mixed into every hash (argon2 "secret"); set it as a `{cipher}` value before the first account. */
  'user.password-pepper': Type.Optional(Type.String({ minLength: 16 })),
  /** Wrong current passwords on PATCH /api/users/me before 429, per user and window. */
  'user.reauth.max-failures': Type.Integer({ default: 5, minimum: 1 }),
  'user.reauth.window-seconds': Type.Integer({ default: 900, minimum: 1 }),
});

const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

export const userService = defineService('user', UserConfig, async (ctx, config) => {
  const { db, schema } = await openDatabase(ctx, {
    defaultSchema: 'user_service',
    migrationsDir,
    kitTables: ['outbox'],
  });
  const producer = openProducer(ctx);
  const relay = startOutbox(ctx, { db, producer, schema, topic: Topics.userEvents });

  const hasher = new Argon2Hasher(
    {
      memoryCost: config['user.argon2.memory-kib'],
      timeCost: config['user.argon2.time-cost'],
      parallelism: config['user.argon2.parallelism'],
    },
    config['user.password-pepper'],
  );
  const users = new PgUserRepository(db);
  const filled = await users.backfillSkeletons();
  if (filled > 0) ctx.logger.info({ filled }, 'nickname skeletons filled in for older accounts');
  const accounts = new Accounts({
    users,
    hasher,
    dummyHash: await hasher.hash(randomBytes(24).toString('base64url')),
    reauthFailures: new FailureCounter({
      limit: config['user.reauth.max-failures'],
      windowMs: config['user.reauth.window-seconds'] * 1000,
    }),
    onEvent: () => relay.kick(),
  });
  return buildUserApp({
    app: ctx.createApp({ bodyLimit: 64 * 1024 }),
    accounts,
  });
});

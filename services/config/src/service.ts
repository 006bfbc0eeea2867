import { BaseConfig, ConfigError, defineService, EventProducer, KafkaConfig } from '@phzzk/kit';
import Type from 'typebox';
import { KafkaChangePublisher } from './adapters/change-publisher.ts';
import { cipherKeyFrom } from './adapters/cipher-key.ts';
import { GitMirror } from './adapters/git-mirror.ts';
import { build } from './app.ts';
import { ChangeWatcher } from './domain/change-watcher.ts';
import { decryptValue } from './domain/cipher.ts';
import { ConfigRepository } from './domain/config-repository.ts';

// The config server does not read its own configuration from a config server: `config.uri`
// (CONFIG_URI, which `npm start` gives every service) is left out of its schema on purpose.
const { 'config.uri': _notUsed, ...base } = BaseConfig;

export const configSchema = Type.Object({
  ...base,
  'server.port': Type.Integer({ default: 8888, minimum: 0, maximum: 65535 }),
  ...KafkaConfig,
  /** The configuration repository: anything `git clone` takes (path, file://, https://, ssh://). */
  'config.git.uri': Type.String({ default: '.phzzk/config-repo', minLength: 1, maxLength: 2048 }),
  /** Where the mirror is kept between starts; a temporary folder per instance when unset. */
  'config.git.basedir': Type.Optional(Type.String({ minLength: 1 })),
  'config.git.default-label': Type.String({ default: 'main', minLength: 1, maxLength: 200 }),
  'config.git.poll-ms': Type.Integer({ default: 300, minimum: 50, maximum: 600_000 }),
  'config.git.timeout-ms': Type.Integer({ default: 15_000, minimum: 500 }),
  /** Publish `config.changed` on Kafka when a new commit is in force. */
  'config.bus.enabled': Type.Boolean({ default: true }),
  /** Secret the `{cipher}` values are encrypted with (env ENCRYPT_KEY). */
  'encrypt.key': Type.Optional(Type.String({ minLength: 8 })),
  /** Bearer token (or Basic password) for /encrypt and /decrypt (env ENCRYPT_ADMIN_TOKEN). */
  'encrypt.admin-token': Type.Optional(Type.String({ minLength: 16 })),
  'encrypt.decrypt-enabled': Type.Boolean({ default: false }),
  /**
   * HTTP Basic credentials for every read (services put them in their config URI,
   * http://user:password@host:8888), as Spring Cloud Config Server behind Spring Security.
   */
  'config.security.enabled': Type.Boolean({ default: true }),
  'config.security.username': Type.String({ default: 'phzzk', pattern: '^[A-Za-z0-9._-]{1,64}$' }),
  'config.security.password': Type.Optional(Type.String({ minLength: 12, maxLength: 256 })),
  /** The secret `POST /monitor` webhooks must prove (env CONFIG_MONITOR_SECRET); none: /monitor closed. */
  'config.monitor.secret': Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
});

export const configService = defineService('config', configSchema, async (ctx, c) => {
  const log = ctx.logger;
  const secured = c['config.security.enabled'];
  const password = c['config.security.password'];
  if (secured && !password) {
    throw new ConfigError(
      'config.security.password is not set (env CONFIG_SECURITY_PASSWORD): the config server serves no ' +
        'configuration to anonymous callers. `npm start` keeps one in .phzzk/credentials.json; give services ' +
        'the URI http://<username>:<password>@host:8888. (CONFIG_SECURITY_ENABLED=false switches reads open, ' +
        'and then {cipher} values are never decrypted.)',
      ['config.security.password'],
    );
  }
  // Open reads never carry decrypted secrets: without read credentials nothing is decrypted.
  const key = secured ? cipherKeyFrom(c['encrypt.key']) : null;
  if (!secured) log.warn('config.security.enabled=false: reads are open and {cipher} values are not decrypted');
  else if (!key) log.warn('no ENCRYPT_KEY: {cipher} values are served as invalid.<key>');
  if (!c['config.monitor.secret']) log.warn('no CONFIG_MONITOR_SECRET: POST /monitor is closed');

  let publisher: KafkaChangePublisher | null = null;
  if (c['config.bus.enabled']) {
    const producer = new EventProducer({ brokers: c['kafka.brokers'], producer: 'config', logger: log });
    ctx.lifecycle.onClose('kafka-producer', () => producer.close());
    publisher = new KafkaChangePublisher(producer);
    ctx.health.register('kafka', () => producer.healthy(), { critical: false });
  }

  const git = new GitMirror({
    uri: c['config.git.uri'],
    basedir: c['config.git.basedir'],
    timeoutMs: c['config.git.timeout-ms'],
  });
  ctx.lifecycle.onClose('git-mirror', () => git.close());
  const repository = new ConfigRepository({
    git,
    uri: c['config.git.uri'].replace(/\/+$/, ''),
    defaultLabel: c['config.git.default-label'],
    decrypt: key ? (text) => decryptValue(key, text) : null,
    log,
  });
  const watcher = new ChangeWatcher({ git, repository, publisher, pollMs: c['config.git.poll-ms'], log });
  await watcher.start();
  ctx.lifecycle.onClose('change-watcher', () => watcher.stop());

  ctx.health.register('repository', () => {
    const current = repository.current;
    return current
      ? { ok: true, detail: `${repository.defaultLabel} at ${current.commit}` }
      : { ok: false, detail: repository.rejected?.message ?? watcher.status.remoteError ?? 'not loaded yet' };
  });
  // What is wrong beyond the configuration in force: it is still served, so not critical.
  ctx.health.register(
    'repository.latest',
    () => {
      const s = watcher.status;
      const problem = repository.rejected?.message ?? (s.remoteError ? `remote unreachable: ${s.remoteError}` : null);
      if (problem) return { ok: false, detail: problem };
      return s.pending > 0
        ? { ok: false, detail: `${s.pending} config.changed not yet published: ${s.publishError}` }
        : { ok: true };
    },
    { critical: false },
  );

  return build({
    app: ctx.createApp({ bodyLimit: 1024 * 1024 }),
    repository,
    watcher,
    cipherKey: key,
    adminToken: c['encrypt.admin-token'],
    decryptEnabled: c['encrypt.decrypt-enabled'],
    readCredentials: secured && password ? { username: c['config.security.username'], password } : undefined,
    monitorSecret: c['config.monitor.secret'],
  });
});

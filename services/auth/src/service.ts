import { ConfigError, createRedis, defineService, redisHealth, serviceConfig } from '@phzzk/kit';
import Type from 'typebox';
import { JoseTokenIssuer } from './adapters/jose-token-issuer.ts';
import { nodeSecrets } from './adapters/node-secrets.ts';
import { OidcProviders } from './adapters/oidc-providers.ts';
import { RedisAttemptLimiter } from './adapters/redis-attempt-limiter.ts';
import { RedisDeviceRegistry } from './adapters/redis-device-registry.ts';
import { RedisSessionStore } from './adapters/redis-session-store.ts';
import { RedisSocialState } from './adapters/redis-social-state.ts';
import { generatedKeyring, type Keyring, keyringFromConfig } from './adapters/signing-keys.ts';
import { UserServiceClient } from './adapters/user-service-client.ts';
import { buildAuthApp } from './app.ts';
import { type ProviderConfig, resolveProvider } from './domain/providers.ts';
import { Sessions } from './domain/sessions.ts';
import { SocialLogin } from './domain/social-login.ts';

const SigningKeyEntry = Type.Object(
  {
    kid: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
    /** A `{cipher}` value in the config repository; the config server decrypts it. */
    privateKeyPem: Type.String({ minLength: 64 }),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const SocialProviderEntry = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9-]{1,31}$' }),
    preset: Type.Optional(Type.Union(['google', 'kakao', 'naver', 'github', 'oidc'].map((p) => Type.Literal(p)))),
    issuer: Type.Optional(Type.String({ format: 'uri' })),
    authorizationEndpoint: Type.Optional(Type.String({ format: 'uri' })),
    tokenEndpoint: Type.Optional(Type.String({ format: 'uri' })),
    userinfoEndpoint: Type.Optional(Type.String({ format: 'uri' })),
    emailsEndpoint: Type.Optional(Type.String({ format: 'uri' })),
    clientId: Type.String({ minLength: 1 }),
    /** A `{cipher}` value in the config repository. */
    clientSecret: Type.Optional(Type.String({ minLength: 1 })),
    scopes: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    trustEmail: Type.Optional(Type.Boolean()),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const AuthConfig = serviceConfig(['redis'], {
  'auth.issuer': Type.String({ default: 'phzzk-auth', minLength: 1 }),
  'auth.audience': Type.String({ default: 'phzzk', minLength: 1 }),
  'auth.access-ttl-seconds': Type.Integer({ default: 600, minimum: 10, maximum: 3600 }),
  /** Idle lifetime of a refresh token: each refresh starts it again. */
  'auth.refresh-ttl-seconds': Type.Integer({ default: 14 * 86_400, minimum: 60 }),
  /** Absolute lifetime of a session family, however often it is refreshed. */
  'auth.session-max-age-seconds': Type.Integer({ default: 30 * 86_400, minimum: 60 }),
  /**
   * Refresh-token reuse grace period: a refresh token presented again this soon after it was
   * rotated (parallel tabs, a retry after a lost answer) gets the same new pair instead of ending
   * the session; later, reuse revokes the family. 0 turns it off.
   */
  'auth.refresh-grace-seconds': Type.Integer({ default: 5, minimum: 0, maximum: 60 }),
  'auth.signing-keys': Type.Array(SigningKeyEntry, { default: [], maxItems: 10 }),
  /**
   * `dev` profile only, without signing keys: the secret the generated development key is kept
   * encrypted with in Redis (`npm start` passes one from .phzzk/credentials.json).
   */
  'auth.dev-key-secret': Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
  /** Prefix of this service's Redis keys (not of the gateway revocation contract's). */
  'auth.redis-prefix': Type.String({ default: 'phzzk:auth:', pattern: '^[A-Za-z0-9:_-]{1,64}$' }),
  /**
   * Login throttling (services/auth/README.md): failures per account and window from clients
   * without a device cookie of that account (a device cookie is held only to its own budget).
   */
  'auth.login.max-failures-per-account': Type.Integer({ default: 20, minimum: 1 }),
  'auth.login.max-failures-per-ip': Type.Integer({ default: 50, minimum: 1 }),
  'auth.login.window-seconds': Type.Integer({ default: 900, minimum: 1 }),
  /** Failures per account and address that pass at once; then each waits twice as long. */
  'auth.login.free-failures-per-account-ip': Type.Integer({ default: 3, minimum: 1 }),
  'auth.login.backoff-base-seconds': Type.Integer({ default: 2, minimum: 1 }),
  'auth.login.backoff-max-seconds': Type.Integer({ default: 900, minimum: 1 }),
  'auth.login.max-failures-per-device': Type.Integer({ default: 10, minimum: 1 }),
  /** How long a device cookie stays valid after its last successful login. */
  'auth.login.device-ttl-seconds': Type.Integer({ default: 90 * 86_400, minimum: 60 }),
  'auth.signup.max-per-ip': Type.Integer({ default: 20, minimum: 1 }),
  'auth.signup.window-seconds': Type.Integer({ default: 3600, minimum: 1 }),
  /** Where browsers reach the platform (the gateway); social redirect URIs are built from it. */
  'auth.public-url': Type.String({ default: 'http://localhost:8080', format: 'uri' }),
  'auth.social.complete-url': Type.String({ default: '/auth/complete', minLength: 1 }),
  'auth.social.state-ttl-seconds': Type.Integer({ default: 600, minimum: 30, maximum: 3600 }),
  'auth.social.result-ttl-seconds': Type.Integer({ default: 60, minimum: 5, maximum: 600 }),
  'auth.social.signup-ticket-ttl-seconds': Type.Integer({ default: 600, minimum: 30, maximum: 3600 }),
  'auth.social.providers': Type.Array(SocialProviderEntry, { default: [], maxItems: 20 }),
  'auth.user-service.timeout-ms': Type.Integer({ default: 5000, minimum: 100 }),
});

export const authService = defineService('auth', AuthConfig, async (ctx) => {
  const config = ctx.config;
  const prefix = config.get('auth.redis-prefix');
  const redis = createRedis(config.get('redis.url'), `auth-${ctx.identity.instanceId}`);
  ctx.lifecycle.onClose('redis', () => redis.disconnect());
  ctx.health.register('redis', () => redisHealth(redis));

  // Signing keys: from configuration (decrypted by the config server), reloaded when they change.
  // Only the dev profile may run on a generated key; anywhere else a missing key stops the start.
  const dev = config
    .get('config.profile')
    .split(',')
    .map((p) => p.trim())
    .includes('dev');
  const loadKeyring = async (): Promise<Keyring> => {
    const entries = config.get('auth.signing-keys');
    if (entries.length > 0) return keyringFromConfig(entries);
    if (!dev) {
      throw new ConfigError(
        'auth.signing-keys is empty: outside the dev profile the auth service needs a configured signing key. ' +
          'Put one in the config repository (auth.yml, auth.signing-keys[0].kid and .privateKeyPem as a {cipher} ' +
          'value) or in AUTH_SIGNING_KEYS; only CONFIG_PROFILE=dev generates a development key.',
        ['auth.signing-keys'],
      );
    }
    const secret = config.get('auth.dev-key-secret');
    if (!secret) {
      throw new ConfigError(
        'auth.dev-key-secret is not set (env AUTH_DEV_KEY_SECRET): in the dev profile without signing keys the ' +
          'generated key is kept encrypted with it; `npm start` passes one from .phzzk/credentials.json.',
        ['auth.dev-key-secret'],
      );
    }
    return generatedKeyring(redis, `${prefix}generated-signing-key`, secret);
  };
  let keyring = await loadKeyring();
  config.onChange(async (_next, changed) => {
    if (!changed.includes('auth.signing-keys')) return;
    try {
      keyring = await loadKeyring();
      ctx.logger.info({ keys: keyring.describe() }, 'signing keys reloaded');
    } catch (error) {
      ctx.logger.error({ err: error }, 'new signing keys refused; keeping the previous ones');
    }
  });
  ctx.health.register('signing-keys', () => ({ ok: true, detail: keyring.describe() }), { critical: false });

  const providers = () =>
    (config.get('auth.social.providers') as ProviderConfig[]).filter((p) => p.enabled !== false).map(resolveProvider);
  providers(); // a malformed provider stops the start with its name

  const users = new UserServiceClient({
    discovery: ctx.discovery,
    timeoutMs: () => config.get('auth.user-service.timeout-ms'),
    credential: (method, path) => ctx.trust.internalHeaders(method, path),
  });
  const issuer = new JoseTokenIssuer(
    () => keyring,
    () => ({
      issuer: config.get('auth.issuer'),
      audience: config.get('auth.audience'),
      accessTtlSeconds: config.get('auth.access-ttl-seconds'),
      signupTicketTtlSeconds: config.get('auth.social.signup-ticket-ttl-seconds'),
    }),
    nodeSecrets,
  );
  const sessions = new Sessions({
    users,
    store: new RedisSessionStore(redis, { prefix, accessTtlSeconds: () => config.get('auth.access-ttl-seconds') }),
    issuer,
    limiter: new RedisAttemptLimiter(redis, prefix),
    devices: new RedisDeviceRegistry(redis, prefix),
    secrets: nodeSecrets,
    settings: () => ({
      accessTtlSeconds: config.get('auth.access-ttl-seconds'),
      refreshTtlSeconds: config.get('auth.refresh-ttl-seconds'),
      sessionMaxAgeSeconds: config.get('auth.session-max-age-seconds'),
      refreshGraceSeconds: config.get('auth.refresh-grace-seconds'),
      login: {
        maxFailuresPerAccount: config.get('auth.login.max-failures-per-account'),
        maxFailuresPerIp: config.get('auth.login.max-failures-per-ip'),
        windowSeconds: config.get('auth.login.window-seconds'),
        freeFailuresPerAccountAndIp: config.get('auth.login.free-failures-per-account-ip'),
        backoffBaseSeconds: config.get('auth.login.backoff-base-seconds'),
        backoffMaxSeconds: config.get('auth.login.backoff-max-seconds'),
        maxFailuresPerDevice: config.get('auth.login.max-failures-per-device'),
        deviceTtlSeconds: config.get('auth.login.device-ttl-seconds'),
      },
      signup: {
        maxPerIp: config.get('auth.signup.max-per-ip'),
        windowSeconds: config.get('auth.signup.window-seconds'),
      },
    }),
  });
  const redirectUri = (provider: string) =>
    new URL(`/api/auth/social/${provider}/callback`, config.get('auth.public-url')).toString();
  const social = new SocialLogin({
    providers: new OidcProviders({ providers, redirectUri }),
    states: new RedisSocialState(redis, prefix),
    users,
    sessions,
    issuer,
    secrets: nodeSecrets,
    stateTtlSeconds: () => config.get('auth.social.state-ttl-seconds'),
  });
  return buildAuthApp({
    app: ctx.createApp({ bodyLimit: 32 * 1024 }),
    sessions,
    social,
    keyring: () => keyring,
    socialSettings: () => ({
      publicUrl: config.get('auth.public-url'),
      completeUrl: config.get('auth.social.complete-url'),
      stateTtlSeconds: config.get('auth.social.state-ttl-seconds'),
      resultTtlSeconds: config.get('auth.social.result-ttl-seconds'),
      providers: providers().map((p) => p.id),
    }),
  });
});

import Type from 'typebox';

/** Keys every PHZZK service understands. Services extend this with their own. */
export const BaseConfig = {
  'server.host': Type.String({ default: '127.0.0.1', minLength: 1 }),
  'server.port': Type.Integer({ default: 0, minimum: 0, maximum: 65535 }),
  'server.public-host': Type.Optional(Type.String({ minLength: 1 })),
  'instance.id': Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  'log.level': Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** The config server; may carry HTTP Basic credentials: http://user:password@host:8888. */
  'config.uri': Type.Optional(Type.String({ format: 'uri' })),
  /** Credentials for the config server when they are not in `config.uri` (env CONFIG_USERNAME/PASSWORD). */
  'config.username': Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  'config.password': Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  'config.profile': Type.String({ default: 'default', minLength: 1 }),
  'config.cache-dir': Type.String({ default: '.phzzk/config-cache' }),
  'discovery.mode': Type.Union([Type.Literal('static'), Type.Literal('eureka'), Type.Literal('kubernetes')], {
    default: 'static',
  }),
  'discovery.eureka.url': Type.String({ default: 'http://127.0.0.1:8761/eureka', format: 'uri' }),
  'discovery.static.instances': Type.String({ default: '' }),
  /** Kubernetes mode: the namespace to resolve services in (default: the pod's own) and their HTTP port. */
  'discovery.kubernetes.namespace': Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,63}$' })),
  'discovery.kubernetes.port': Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /**
   * The platform's service keys (secret, ≥ 32 characters; from the config server's `{cipher}`
   * values or SECURITY_SERVICE_KEYS): the first signs, all verify (a rotation lists new, old).
   * Unset: the public development key, in the default/dev/test profiles only.
   */
  'security.service-keys': Type.Optional(Type.Array(Type.String({ minLength: 32 }), { maxItems: 4 })),
  /**
   * This service's own Ed25519 private key (secret; PEM or base64 PKCS8 DER; from the config
   * server's `{cipher}` values or SECURITY_SERVICE_PRIVATE_KEY): it signs this service's calls to
   * other services' `/internal` routes, and nothing else holds it.
   */
  'security.service-private-key': Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Every service's public keys (not secret), by service name, as JSON: `{"auth": "<base64 SPKI
   * DER or PEM>", "chat": ["<new>", "<old>"]}` (a list during a rotation); env
   * SECURITY_SERVICE_PUBLIC_KEYS. An `/internal` call verifies with the caller's keys only.
   * Unset with the private key: the public development key pairs, in default/dev/test only.
   */
  'security.service-public-keys': Type.Optional(Type.String({ minLength: 2 })),
  'shutdown.timeout-ms': Type.Integer({ default: 10_000, minimum: 100 }),
  /**
   * How long a stopping instance keeps serving after it left discovery, so that routers hear of it
   * (Eureka's push watch: well under this) before it refuses requests. Default: 300 ms with
   * Eureka, 0 otherwise (nothing routes by a static list or Kubernetes DNS that a wait would help).
   */
  'shutdown.drain-ms': Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
} as const;

export const KafkaConfig = {
  'kafka.brokers': Type.Array(Type.String({ minLength: 3 }), { default: ['127.0.0.1:9092'], minItems: 1 }),
} as const;
export const DatabaseConfig = {
  'database.url': Type.String({ default: 'postgres://postgres@127.0.0.1:5432/postgres', pattern: '^postgres(ql)?://' }),
  'database.pool-size': Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
  /** One schema per service; tests point this at a fresh schema. Defaults to the service id. */
  'database.schema': Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
  /**
   * How long the ids of processed Kafka events are remembered (to drop redeliveries); pruned
   * hourly. Keep it above the topics' retention (Kafka's default: 7 days).
   */
  'database.processed-events.retention-hours': Type.Integer({ default: 192, minimum: 1 }),
} as const;
export const RedisConfig = {
  'redis.url': Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
} as const;

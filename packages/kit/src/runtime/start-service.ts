import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Static, TObject } from 'typebox';
import type { BaseConfig } from '../config/base-config.ts';
import { ConfigBus, ConfigReloader, configBusBrokers, configBusEnabled } from '../config/config-bus.ts';
import { ConfigServerClient } from '../config/config-server-client.ts';
import { LiveConfig } from '../config/live-config.ts';
import { createDiscovery } from '../discovery/create-discovery.ts';
import type { DiscoveryClient, ServiceInstance } from '../discovery/discovery-client.ts';
import { HealthRegistry } from '../health/health-registry.ts';
import { buildServiceApp, type ServiceApp, type ServiceIdentity } from '../http/build-app.ts';
import { refuseDevelopmentKey, refuseDevelopmentServiceKeys } from '../http/caller.ts';
import { createMetricsRegistry } from '../http/http-metrics.ts';
import { ServiceTrust } from '../http/service-trust.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { Lifecycle } from './lifecycle.ts';

/** How long a failed start may spend closing what it opened before the error is reported. */
const START_CLEANUP_TIMEOUT_MS = 5000;

type BaseKeys = { [K in keyof typeof BaseConfig]: (typeof BaseConfig)[K] };
export type ServiceConfigSchema = TObject<BaseKeys & Record<string, import('typebox').TSchema>>;

export interface ServiceContext<S extends TObject> {
  identity: ServiceIdentity;
  config: LiveConfig<S>;
  logger: Logger;
  health: HealthRegistry;
  metrics: Registry;
  discovery: DiscoveryClient;
  lifecycle: Lifecycle;
  /**
   * The platform's service key: its apps verify identities and `/internal` credentials with it,
   * and `trust.internalHeaders(method, path)` signs this service's own calls to `/internal`.
   */
  trust: ServiceTrust;
  /** A fresh kit app (health, metrics, info, problem errors) for this instance; build() adds routes. */
  createApp(
    options?: Pick<import('../http/build-app.ts').BuildAppOptions, 'bodyLimit' | 'preHandler' | 'serverOptions'>,
  ): ServiceApp;
}

export interface ServiceDefinition<S extends TObject> {
  /** Service id: lower-case, as registered in discovery and used in routes. */
  name: string;
  version: string;
  configSchema: S;
  build(ctx: ServiceContext<S>): Promise<ServiceApp>;
}

export interface RunningService<S extends TObject> {
  app: ServiceApp;
  url: string;
  instance: ServiceInstance;
  context: ServiceContext<S>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces the discovery client chosen by configuration (tests). */
  discovery?: DiscoveryClient;
}

/** Loads configuration, builds the service, listens, registers in discovery. Shared by main.ts and tests. */
export async function startService<S extends TObject>(
  definition: ServiceDefinition<S>,
  options: StartOptions = {},
): Promise<RunningService<S>> {
  const env = options.env ?? process.env;
  const config = new LiveConfig(definition.configSchema, env);
  const base = config.values as unknown as Static<TObject<BaseKeys>>;

  const instanceId = base['instance.id'] ?? `${definition.name}-${randomBytes(4).toString('hex')}`;
  const identity: ServiceIdentity = { service: definition.name, version: definition.version, instanceId };
  const logger = createLogger({ service: definition.name, instanceId, level: base['log.level'] });
  const health = new HealthRegistry();
  const metrics = createMetricsRegistry(definition.name, instanceId);
  const lifecycle = new Lifecycle();

  if (base['config.uri']) {
    const client = new ConfigServerClient({
      uri: base['config.uri'],
      application: definition.name,
      profile: base['config.profile'],
      cacheDir: base['config.cache-dir'],
      ...(base['config.username']
        ? { username: base['config.username'], password: base['config.password'] ?? '' }
        : {}),
    });
    // The server's configuration, else the last one cached on disk; then live reload on config.changed.
    const reloader = new ConfigReloader({ client, config, logger });
    await reloader.load();
    if (!reloader.state.ok) logger.warn(reloader.state.detail);
    lifecycle.onClose('config reloader', () => reloader.close());
    const bus = configBusEnabled(env)
      ? new ConfigBus({
          brokers: configBusBrokers(config.values as Record<string, unknown>, env),
          application: definition.name,
          instanceId,
          refresh: (reason) => reloader.refresh(reason),
          currentVersion: () => config.version,
          logger,
        })
      : undefined;
    bus?.start();
    if (bus) lifecycle.onClose('config bus', () => bus.stop());
    health.register(
      'config',
      () => {
        const live = bus?.healthy() ?? { ok: true };
        const { ok, detail } = reloader.state;
        return { ok: ok && live.ok, detail: live.ok ? detail : `${detail}; live reload not running: ${live.detail}` };
      },
      { critical: false },
    );
  }

  // After the config server's layer: the keys may be `{cipher}` values there. Read once: a rotation
  // is rolled out by restarting instances (list new and old keys, then drop the old one).
  const current = config.values as unknown as Static<TObject<BaseKeys>>;
  const trust = ServiceTrust.fromConfig(definition.name, current['security.service-keys'], current['config.profile'], {
    privateKey: current['security.service-private-key'],
    publicKeys: current['security.service-public-keys'],
  });
  if (trust.development) logger.warn('no security.service-keys configured: running on the public development key');
  else refuseDevelopmentKey();
  if (trust.serviceKeys.development)
    logger.warn('no security.service-private-key configured: /internal calls use the public development key pairs');
  else refuseDevelopmentServiceKeys();

  const discovery =
    options.discovery ??
    createDiscovery({
      mode: base['discovery.mode'],
      staticInstances: base['discovery.static.instances'],
      eurekaUrl: base['discovery.eureka.url'],
      logger: logger.child({ component: 'discovery' }),
      kubernetes: {
        ...(base['discovery.kubernetes.namespace'] ? { namespace: base['discovery.kubernetes.namespace'] } : {}),
        ...(base['discovery.kubernetes.port'] ? { port: base['discovery.kubernetes.port'] } : {}),
      },
    });
  health.register('discovery', () => ({ ok: discovery.healthy() }), { critical: false });
  const keysDetail = `${trust.development ? 'development key' : 'configured'}; service key pair: ${trust.serviceKeys.development ? 'development' : 'configured'}`;
  health.register('service-keys', () => ({ ok: true, detail: keysDetail }), {
    critical: false,
  });

  const context: ServiceContext<S> = {
    identity,
    config,
    logger,
    health,
    metrics,
    discovery,
    lifecycle,
    trust,
    createApp: (appOptions = {}) =>
      buildServiceApp({ identity, logger, health, metrics, trust, configVersion: () => config.version, ...appOptions }),
  };

  let app: ServiceApp;
  try {
    app = await definition.build(context);
    await app.listen({ host: base['server.host'], port: base['server.port'] });
  } catch (error) {
    logger.error({ err: error }, `${definition.name} failed to start: closing what it opened`);
    // Bounded: a client that cannot close (a broker that went away) must not keep a failed start alive.
    const cleanup = Promise.all([lifecycle.close(logger), discovery.close()]).catch(() => undefined);
    await Promise.race([cleanup, new Promise((r) => setTimeout(r, START_CLEANUP_TIMEOUT_MS).unref())]);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : base['server.port'];
  const host = base['server.public-host'] ?? (base['server.host'] === '0.0.0.0' ? '127.0.0.1' : base['server.host']);
  const instance: ServiceInstance = {
    serviceId: definition.name,
    instanceId,
    host,
    port,
    status: 'UP',
    metadata: { version: definition.version },
  };
  await discovery.register(instance);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, instanceId }, `${definition.name} listening`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Leave discovery first so routers stop sending new requests, then drain, then close clients.
      await discovery.deregister().catch((error) => logger.warn({ err: error }, 'deregister failed'));
      const drainMs = base['shutdown.drain-ms'] ?? (base['discovery.mode'] === 'eureka' ? 300 : 0);
      if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
      await app.close();
      await lifecycle.close(logger);
      await discovery.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { app, url, instance, context, stop };
}

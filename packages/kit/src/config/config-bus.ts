import { Topics } from '@phzzk/contracts';
import { Admin } from '@platformatic/kafka';
import type { TObject } from 'typebox';
import { EventConsumer } from '../kafka/event-consumer.ts';
import { subscribe } from '../kafka/subscription.ts';
import { EventProducer } from '../kafka/event-producer.ts';
import type { Logger } from '../logging/logger.ts';
import type { ConfigServerClient, ServerLayer } from './config-server-client.ts';
import { ConfigError, type LiveConfig } from './live-config.ts';

type State = { ok: boolean; detail: string };

/**
 * Keeps a LiveConfig in step with the config server: the first load (server, else the cache on
 * disk), then a refetch whenever asked (a `config.changed` event, the bus coming up, a retry).
 * Refreshes never overlap and coalesce: asking during one runs exactly one more after it. A layer
 * the schema refuses is not applied (the values in force stay); an unreachable server is retried.
 */
export class ConfigReloader<S extends TObject> {
  private readonly client: ConfigServerClient;
  private readonly config: LiveConfig<S>;
  private readonly logger: Logger;
  private stateValue: State = { ok: false, detail: 'not loaded' };
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private closed = false;
  /** Called after every refresh that changed the version in force (tests, metrics). */
  onApplied: ((version: string | null) => void) | undefined;

  constructor(options: { client: ConfigServerClient; config: LiveConfig<S>; logger: Logger; retryDelayMs?: number }) {
    this.client = options.client;
    this.config = options.config;
    this.logger = options.logger;
    this.retryDelayMs = options.retryDelayMs ?? 5000;
  }

  /** For /health (non-critical): where the configuration in force came from. */
  get state(): State {
    return this.stateValue;
  }

  /** Startup: the server's configuration, else the last one cached on disk, else defaults and env. */
  async load(): Promise<void> {
    let layer: ServerLayer & { error?: string };
    try {
      layer = await this.client.fetchOrCache();
    } catch (error) {
      this.setState(
        false,
        `config server unreachable and no cache: ${(error as Error).message}; running on defaults and environment`,
      );
      this.scheduleRetry();
      return;
    }
    if (!(await this.apply(layer))) return;
    if (layer.source === 'cache') {
      this.setState(false, `config server unreachable (${layer.error}); running on cached version ${layer.version}`);
      this.scheduleRetry();
    }
  }

  /** Refetches from the server and applies the result; resolves when the refetch asked for has run. */
  refresh(reason: string): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.refreshOnce(reason);
      } while (this.again && !this.closed);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  private async refreshOnce(reason: string): Promise<void> {
    let layer: ServerLayer;
    try {
      layer = await this.client.fetch();
    } catch (error) {
      const detail = `config server unreachable (${(error as Error).message}); running on version ${this.config.version}`;
      if (this.stateValue.detail !== detail) this.logger.warn({ reason }, detail);
      this.setState(false, detail);
      this.scheduleRetry();
      return;
    }
    await this.apply(layer, reason);
  }

  private async apply(layer: ServerLayer & { error?: string }, reason = 'start'): Promise<boolean> {
    const before = this.config.version;
    try {
      const changed = await this.config.applyServerLayer(layer.properties, layer.version);
      if (layer.version !== before || changed.length > 0) {
        this.logger.info(
          { version: layer.version, previous: before, changed, reason, source: layer.source },
          'configuration applied',
        );
      }
    } catch (error) {
      if (error instanceof ConfigError) {
        const detail = `configuration version ${layer.version} refused, keeping ${before}: ${error.message}`;
        this.logger.error({ keys: error.keys, reason }, detail);
        this.setState(false, detail);
        return false;
      }
      // A listener failed: the new values are in force already; the listener's owner must cope.
      this.logger.error({ err: error, version: layer.version }, 'a configuration change listener failed');
    }
    if (layer.invalidKeys && layer.invalidKeys.length > 0) {
      this.logger.warn(
        { keys: layer.invalidKeys },
        'the config server could not decrypt some values; they are not set',
      );
    }
    if (layer.source === 'server') {
      this.setState(true, `config server, version ${layer.version}`);
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      await this.client
        .saveCache(layer)
        .catch((error) => this.logger.warn({ err: error }, 'could not cache the configuration'));
    }
    if (layer.version !== before) this.onApplied?.(layer.version);
    return true;
  }

  private setState(ok: boolean, detail: string): void {
    this.stateValue = { ok, detail };
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.refresh('retry');
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }
}

export interface ConfigBusOptions {
  brokers: string[];
  /** This service's id: events for it or for `*` trigger a refetch. */
  application: string;
  instanceId: string;
  /** Refetches and applies the configuration (ConfigReloader#refresh). */
  refresh: (reason: string) => Promise<void>;
  /** The version in force: an event for it is already applied. */
  currentVersion: () => string | null;
  logger: Logger;
}

/**
 * Live reload over Kafka: every instance reads `config.changed` in a consumer group of its own
 * (`config-bus-<instanceId>`, from the latest offset), so every instance sees every change, and
 * refetches its configuration when one concerns it. The group is deleted when the instance stops.
 */
export class ConfigBus {
  private readonly options: ConfigBusOptions;
  private readonly groupId: string;
  private readonly producer: EventProducer;
  private readonly consumer: EventConsumer;
  private watchingReady: Promise<void> | undefined;

  constructor(options: ConfigBusOptions) {
    this.options = options;
    this.groupId = `config-bus-${options.instanceId}`;
    // Only for dead letters, which this handler never produces (it does not throw).
    this.producer = new EventProducer({
      brokers: options.brokers,
      producer: options.application,
      logger: options.logger,
    });
    this.consumer = new EventConsumer({
      brokers: options.brokers,
      groupId: this.groupId,
      subscriptions: [
        subscribe(Topics.configChanged, {
          on: {
            'config.changed': async ({ data }) => {
              if (data.application !== '*' && data.application !== options.application) return;
              if (data.version === options.currentVersion()) return;
              // Not awaited: a slow or unreachable config server must not hold up the partition.
              void options.refresh(`config.changed ${data.version}`).catch(() => {});
            },
          },
        }),
      ],
      producer: this.producer,
      logger: options.logger,
      startFrom: 'latest',
      sessionTimeoutMs: 10_000,
    });
  }

  start(): void {
    this.consumer.start();
    // A commit that landed between our first fetch and joining the group would be missed:
    // refetch once the consumer is in place.
    this.watchingReady = this.consumer
      .waitUntilConsuming(24 * 60 * 60 * 1000)
      .then(() => this.options.refresh('config bus joined'))
      .catch(() => {});
  }

  healthy(): { ok: boolean; detail?: string } {
    return this.consumer.healthy();
  }

  waitUntilConsuming(timeoutMs?: number): Promise<void> {
    return this.consumer.waitUntilConsuming(timeoutMs);
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.close().catch(() => {});
    void this.watchingReady;
    // The group has no members left; drop it rather than leave one group per past instance.
    const admin = new Admin({ clientId: `${this.groupId}-admin`, bootstrapBrokers: this.options.brokers, retries: 0 });
    try {
      await Promise.race([
        admin.deleteGroups({ groups: [this.groupId] }),
        new Promise((r) => setTimeout(r, 2000).unref()),
      ]);
    } catch {
      // Best effort: the broker expires unused groups anyway.
    } finally {
      await admin.close().catch(() => {});
    }
  }
}

/** Brokers for the bus: the service's `kafka.brokers` when it has them, else KAFKA_BROKERS. */
export function configBusBrokers(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const configured = values['kafka.brokers'];
  if (Array.isArray(configured) && configured.length > 0) return configured.map(String);
  return (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/** `CONFIG_BUS_ENABLED=false` turns live reload off (the configuration is then read at start only). */
export function configBusEnabled(env: NodeJS.ProcessEnv): boolean {
  return !/^(false|0|off|no)$/i.test(env.CONFIG_BUS_ENABLED ?? '');
}

import { basicAuthorization, ConfigError, defineService, serviceConfig, splitCredentials } from '@phzzk/kit';
import Type from 'typebox';
import { Agent } from 'undici';
import { buildDiscoveryApp } from './app.ts';
import { DiscoveryNode } from './domain/discovery-node.ts';
import { Registry } from './domain/registry.ts';
import { DiscoveryCredentials } from './domain/credentials.ts';
import { installDiscoveryMetrics } from './adapters/discovery-metrics.ts';
import { startEvictionLoop } from './adapters/eviction-loop.ts';
import { PeerClient } from './adapters/peer-client.ts';
import { PeerReplicator } from './adapters/peer-replicator.ts';
import { syncFromPeers } from './adapters/peer-sync.ts';
import { WatchHub } from './adapters/watch-hub.ts';

export const DiscoveryConfig = serviceConfig([], {
  // The one fixed port of the platform besides the gateway and config (Eureka's 8761).
  'server.port': Type.Integer({ default: 8761, minimum: 0, maximum: 65535 }),
  /** Other discovery nodes, comma-separated, e.g. `http://127.0.0.1:8762/eureka`. */
  'discovery.peers': Type.String({ default: '' }),
  /** Leases for clients that send no leaseInfo (Eureka's defaults; PHZZK clients send 1 s / 3 s). */
  'discovery.lease.default-renewal-interval-secs': Type.Integer({ default: 30, minimum: 1, maximum: 3600 }),
  'discovery.lease.default-duration-secs': Type.Integer({ default: 90, minimum: 1, maximum: 3600 }),
  'discovery.lease.max-duration-secs': Type.Integer({ default: 300, minimum: 1, maximum: 86_400 }),
  'discovery.eviction.interval-ms': Type.Integer({ default: 500, minimum: 50, maximum: 60_000 }),
  'discovery.self-preservation.enabled': Type.Boolean({ default: true }),
  'discovery.self-preservation.renewal-threshold': Type.Number({ default: 0.85, minimum: 0, maximum: 1 }),
  'discovery.self-preservation.window-ms': Type.Integer({ default: 5000, minimum: 500, maximum: 600_000 }),
  'discovery.self-preservation.max-hold-ms': Type.Integer({ default: 10_000, minimum: 0, maximum: 3_600_000 }),
  'discovery.delta.retention-ms': Type.Integer({ default: 180_000, minimum: 1000, maximum: 3_600_000 }),
  'discovery.watch.heartbeat-ms': Type.Integer({ default: 2000, minimum: 100, maximum: 60_000 }),
  'discovery.replication.timeout-ms': Type.Integer({ default: 2000, minimum: 100, maximum: 60_000 }),
  /**
   * HTTP Basic credentials for every write (as Spring Cloud secures Eureka). The platform
   * credential is what PHZZK services put in their discovery URL and what peers replicate with;
   * `clients` (`name:password,...`) are further credentials, each changing only its own instances.
   */
  'discovery.security.enabled': Type.Boolean({ default: true }),
  'discovery.security.username': Type.String({ default: 'phzzk', pattern: '^[A-Za-z0-9._-]{1,64}$' }),
  'discovery.security.password': Type.Optional(Type.String({ minLength: 12, maxLength: 256 })),
  'discovery.security.clients': Type.String({ default: '' }),
});

/** Eureka bodies are small; 64 KiB leaves room for generous metadata and refuses the rest. */
export const BODY_LIMIT = 64 * 1024;

export function parsePeers(spec: string): string[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigError(`discovery.peers: "${raw}" is not a URL (env DISCOVERY_PEERS)`, ['discovery.peers']);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new ConfigError(`discovery.peers: "${raw}" must be http(s) (env DISCOVERY_PEERS)`, ['discovery.peers']);
      }
      return raw.replace(/\/+$/, '');
    });
}

/**
 * Peers minus this node itself: Eureka deployments often give every node the same peer list,
 * and replicating to oneself only echoes every change back.
 */
export function otherPeers(
  peers: readonly string[],
  self: { host: string; publicHost?: string | undefined; port: number },
): string[] {
  if (self.port === 0) return [...peers];
  const ownHosts = new Set(['127.0.0.1', 'localhost', '[::1]', self.host, self.publicHost].filter(Boolean));
  return peers.filter((peer) => {
    const url = new URL(peer);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return !(port === self.port && ownHosts.has(url.hostname));
  });
}

export const discoveryService = defineService('discovery', DiscoveryConfig, async (ctx, c) => {
  if (ctx.discovery.mode !== 'static') {
    // Registering the registry with itself (or another registry) only adds noise.
    await ctx.discovery.close();
    throw new ConfigError('discovery.mode must be static for the discovery service itself (env DISCOVERY_MODE)', [
      'discovery.mode',
    ]);
  }
  let credentials: DiscoveryCredentials | undefined;
  if (c['discovery.security.enabled']) {
    const password = c['discovery.security.password'];
    if (!password) {
      throw new ConfigError(
        'discovery.security.password is not set (env DISCOVERY_SECURITY_PASSWORD): discovery accepts no anonymous ' +
          'writes. `npm start` keeps one in .phzzk/credentials.json; give services the URL ' +
          'http://<username>:<password>@host:8761/eureka. (DISCOVERY_SECURITY_ENABLED=false switches the check off.)',
        ['discovery.security.password'],
      );
    }
    credentials = new DiscoveryCredentials(
      { username: c['discovery.security.username'], password },
      c['discovery.security.clients'],
    );
  } else {
    ctx.logger.warn('discovery.security.enabled=false: anyone who reaches this port can change the registry');
  }
  const clock = Date.now;
  const registry = new Registry(
    {
      defaultRenewalIntervalInSecs: c['discovery.lease.default-renewal-interval-secs'],
      defaultDurationInSecs: c['discovery.lease.default-duration-secs'],
      maxDurationInSecs: c['discovery.lease.max-duration-secs'],
      deltaRetentionMs: c['discovery.delta.retention-ms'],
      preservation: {
        enabled: c['discovery.self-preservation.enabled'],
        renewalThreshold: c['discovery.self-preservation.renewal-threshold'],
        windowMs: c['discovery.self-preservation.window-ms'],
        maxHoldMs: c['discovery.self-preservation.max-hold-ms'],
      },
    },
    clock,
  );

  const timeoutMs = c['discovery.replication.timeout-ms'];
  const agent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: timeoutMs } });
  ctx.lifecycle.onClose('peer-http', () => agent.destroy());
  const peerUrls = otherPeers(parsePeers(c['discovery.peers']), {
    host: c['server.host'],
    publicHost: c['server.public-host'],
    port: c['server.port'],
  });
  const ownPassword = c['discovery.security.password'];
  // Peers replicate with the credential in their URL, else with this node's platform credential.
  const peers = peerUrls.map((raw) => {
    const { url, authorization } = splitCredentials(raw);
    const auth =
      authorization ?? (ownPassword ? basicAuthorization(c['discovery.security.username'], ownPassword) : undefined);
    return new PeerClient(url, agent, timeoutMs, auth);
  });
  const replicator = peers.length > 0 ? new PeerReplicator(peers, { logger: ctx.logger }) : undefined;
  const node = new DiscoveryNode(registry, replicator);
  replicator?.handleAnswers((task, statusCode, entity) => node.onPeerAnswer(task, statusCode, entity));
  if (replicator) ctx.lifecycle.onClose('replication', () => replicator.close());
  await syncFromPeers(node, peers, ctx.logger);

  const watch = new WatchHub(registry, {
    nodeId: ctx.identity.instanceId,
    heartbeatMs: c['discovery.watch.heartbeat-ms'],
  });
  ctx.lifecycle.onClose('watch', () => watch.close());
  const stopEviction = startEvictionLoop(registry, {
    intervalMs: c['discovery.eviction.interval-ms'],
    clock,
    onEvicted: (evicted) =>
      ctx.logger.info(
        {
          instances: evicted.map((i) => `${i.info.app}/${i.info.instanceId}`),
          preserving: registry.stats().preserving,
        },
        'evicted expired leases',
      ),
    onPreservation: (active, stats) =>
      ctx.logger.warn(
        { heldExpired: stats.heldExpired, renewalRatio: Math.round(stats.renewalRatio * 100) / 100 },
        active
          ? 'self-preservation: too few renewals heard, evicting expired leases progressively'
          : 'self-preservation: ended',
      ),
  });
  ctx.lifecycle.onClose('eviction', stopEviction);

  installDiscoveryMetrics(ctx.metrics, { registry, watch, ...(replicator ? { replicator } : {}) });
  ctx.health.register('registry', () => ({
    ok: true,
    detail: `${registry.size} instances${registry.stats().preserving ? ', self-preservation holding expired leases' : ''}`,
  }));
  if (replicator) {
    ctx.health.register(
      'peers',
      () => {
        const status = replicator.status();
        const down = status.filter((p) => !p.reachable && p.failedBatches > 0).map((p) => p.url);
        return {
          ok: down.length === 0,
          detail: down.length ? `not replicating to ${down.join(', ')}` : `${status.length} peers`,
        };
      },
      { critical: false },
    );
  }

  return buildDiscoveryApp({ app: ctx.createApp({ bodyLimit: BODY_LIMIT }), node, watch, clock, credentials });
});

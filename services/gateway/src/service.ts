import { BaseConfig, createRedis, instanceUrl, RedisConfig, redisHealth, type ServiceDefinition } from '@phzzk/kit';
import Type from 'typebox';
import { ActiveHealthChecker } from './adapters/active-health.ts';
import { installFastLane } from './adapters/fast-lane.ts';
import { HolderResolver } from './adapters/holder-resolver.ts';
import { JwtVerifier } from './adapters/jwt-verifier.ts';
import { RateLimiter } from './adapters/rate-limiter.ts';
import { RawUpstreamClient } from './adapters/raw-upstream.ts';
import { RevokedSessions } from './adapters/revoked-sessions.ts';
import { createRouteMetrics } from './adapters/route-metrics.ts';
import { collectServicesHealth } from './adapters/services-health.ts';
import { UpstreamClient } from './adapters/upstream-client.ts';
import { buildGatewayApp } from './app.ts';
import { createFastLaneHandler, createProxyHandler, type ProxyDeps } from './routes/proxy-handler.ts';
import { LoadBalancer } from './domain/load-balancer.ts';

const Route = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    path: Type.String({ pattern: '^/' }),
    service: Type.String({ pattern: '^[a-z][a-z0-9-]*$' }),
    stripPrefix: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000 })),
    auth: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('optional')])),
    holderKey: Type.Optional(Type.String({ pattern: '^[a-z0-9:_-]{1,100}$' })),
    rateLimit: Type.Optional(
      Type.Object(
        { limit: Type.Integer({ minimum: 0 }), windowMs: Type.Integer({ minimum: 1 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** The platform's routes; the config repository (config/gateway.yml) may replace them. */
export const defaultRoutes = [
  { id: 'users', path: '/api/users/**', service: 'user' },
  { id: 'auth-logout-all', path: '/api/auth/logout-all', service: 'auth', auth: 'required' as const },
  { id: 'auth', path: '/api/auth/**', service: 'auth', rateLimit: { limit: 60, windowMs: 60_000 } },
  { id: 'jwks', path: '/.well-known/jwks.json', service: 'auth' },
  { id: 'channels', path: '/api/channels/**', service: 'channel' },
  { id: 'chat-api', path: '/api/chat/**', service: 'chat' },
  { id: 'chat-ws', path: '/ws/chat/**', service: 'chat' },
  { id: 'stats', path: '/api/stats/**', service: 'cache' },
  { id: 'vods', path: '/api/vods/**', service: 'packager' },
  { id: 'vod-media', path: '/vod/**', service: 'packager', rateLimit: { limit: 0, windowMs: 1 } },
  {
    id: 'hls',
    path: '/hls/**',
    service: 'transcoder',
    // LL-HLS blocking playlist reloads wait up to ~3 target durations at the origin.
    timeoutMs: 30_000,
    rateLimit: { limit: 0, windowMs: 1 },
    holderKey: 'phzzk:transcoder:holder:',
  },
  // The web app: `/**` has the shortest literal prefix, so every route above wins over it.
  { id: 'web', path: '/**', service: 'web' },
];

export const GatewayConfig = Type.Object({
  ...BaseConfig,
  ...RedisConfig,
  'server.port': Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  'gateway.routes': Type.Array(Route, { default: defaultRoutes, maxItems: 500 }),
  'gateway.timeout-ms': Type.Integer({ default: 10_000, minimum: 1 }),
  'gateway.discovery-locator.enabled': Type.Boolean({ default: false }),
  'gateway.jwt.issuer': Type.String({ default: 'phzzk-auth', minLength: 1 }),
  'gateway.jwt.audience': Type.String({ default: 'phzzk', minLength: 1 }),
  /** Where the JWKS is; by default the auth service found in discovery. */
  'gateway.jwt.jwks-uri': Type.Optional(Type.String({ format: 'uri' })),
  'gateway.jwt.access-ttl-seconds': Type.Integer({ default: 600, minimum: 1 }),
  'gateway.rate-limit.limit': Type.Integer({ default: 300, minimum: 0 }),
  'gateway.rate-limit.window-ms': Type.Integer({ default: 10_000, minimum: 1 }),
  'gateway.rate-limit.enabled': Type.Boolean({ default: true }),
  'gateway.cors.allowed-origins': Type.Array(Type.String({ minLength: 1 }), { default: [] }),
  'gateway.health-check.interval-ms': Type.Integer({ default: 2000, minimum: 100 }),
  /** Plain GET/HEAD proxying read and answered on the raw socket (see adapters/fast-lane.ts). */
  'gateway.fast-lane.enabled': Type.Boolean({ default: true }),
});

const BODY_LIMIT = 1024 * 1024;

export const gatewayService: ServiceDefinition<typeof GatewayConfig> = {
  name: 'gateway',
  version: '0.1.0',
  configSchema: GatewayConfig,
  async build(ctx) {
    const config = ctx.config;
    const upstream = new UpstreamClient();
    ctx.lifecycle.onClose('upstream pools', () => upstream.close());
    const rawUpstream = new RawUpstreamClient();
    ctx.lifecycle.onClose('fast-lane upstream pools', () => rawUpstream.close());
    const balancer = new LoadBalancer();

    const redis = createRedis(config.get('redis.url'), `gateway-${ctx.identity.instanceId}`);
    ctx.lifecycle.onClose('redis', () => redis.disconnect());
    ctx.health.register('redis', () => redisHealth(redis), { critical: false });
    const revoked = new RevokedSessions(redis, () => config.get('gateway.jwt.access-ttl-seconds') * 1000);
    ctx.lifecycle.onClose('revocation feed', () => revoked.close());
    revoked.start().catch((error) => ctx.logger.warn({ err: error }, 'revocation feed not started yet'));
    ctx.health.register('revocations', () => revoked.healthy(), { critical: false });

    const verifier = new JwtVerifier({
      issuer: () => config.get('gateway.jwt.issuer'),
      audience: () => config.get('gateway.jwt.audience'),
      jwks: async () => {
        const explicit = config.get('gateway.jwt.jwks-uri');
        const auth = ctx.discovery.instances('auth')[0];
        const url = explicit ?? (auth ? `${instanceUrl(auth)}/api/auth/jwks.json` : undefined);
        if (!url) throw new Error('no auth instance to fetch the JWKS from');
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
        return (await response.json()) as { keys: [] };
      },
    });
    verifier.refresh().catch(() => {});
    const jwksRefresh = setInterval(() => verifier.refresh().catch(() => {}), 5 * 60_000);
    jwksRefresh.unref();
    ctx.lifecycle.onClose('jwks refresh', () => clearInterval(jwksRefresh));
    ctx.health.register(
      'jwks',
      () => ({ ok: verifier.knownKeyIds.length > 0, detail: `${verifier.knownKeyIds.length} keys` }),
      {
        critical: false,
      },
    );

    const routedServices = () => config.get('gateway.routes').map((r) => r.service);
    const checker = new ActiveHealthChecker({
      discovery: ctx.discovery,
      balancer,
      services: routedServices,
      intervalMs: config.get('gateway.health-check.interval-ms'),
    });
    checker.start();
    ctx.lifecycle.onClose('active health checks', () => checker.stop());

    // Every service behind the gateway is reported; one being down does not take the gateway out.
    ctx.health.register(
      'services',
      async () => {
        const summary = await collectServicesHealth(ctx.discovery, 'gateway');
        return {
          ok: summary.every((s) => s.up > 0),
          detail: summary.map((s) => `${s.service} ${s.up}/${s.total}`).join(', ') || 'no services registered',
        };
      },
      { critical: false },
    );

    const routes = () => config.get('gateway.routes');
    const locatorEnabled = () => config.get('gateway.discovery-locator.enabled');
    let closing = false;
    const proxyDeps: ProxyDeps = {
      routes,
      discovery: ctx.discovery,
      locatorEnabled,
      verifier,
      revoked,
      balancer,
      upstream,
      metrics: createRouteMetrics(ctx.metrics),
      rateLimiter: config.get('gateway.rate-limit.enabled') ? new RateLimiter(redis) : undefined,
      defaultRateLimit: () => ({
        limit: config.get('gateway.rate-limit.limit'),
        windowMs: config.get('gateway.rate-limit.window-ms'),
      }),
      defaultTimeoutMs: () => config.get('gateway.timeout-ms'),
      holders: new HolderResolver(redis),
      corsOrigins: () => config.get('gateway.cors.allowed-origins'),
      bodyLimit: BODY_LIMIT,
      logger: ctx.logger,
    };
    const proxy = createProxyHandler(proxyDeps, () => closing);
    const app = ctx.createApp({ bodyLimit: BODY_LIMIT, preHandler: proxy });
    const fastLaneServe = createFastLaneHandler(proxyDeps, rawUpstream, () => closing);
    const fastLane = installFastLane(app.server, {
      serve: (head, remoteAddress, response, link) =>
        config.get('gateway.fast-lane.enabled') && fastLaneServe(head, remoteAddress, response, link),
      isClosing: () => closing,
      idleTimeoutMs: app.server.keepAliveTimeout,
      headersTimeoutMs: app.server.headersTimeout,
    });
    // New requests on kept-alive connections get 503 + Connection: close while in-flight ones drain.
    app.addHook('preClose', async () => {
      closing = true;
      fastLane.closeIdle();
    });
    return buildGatewayApp({ app, discovery: ctx.discovery, balancer, verifier, revoked, routes, locatorEnabled });
  },
};

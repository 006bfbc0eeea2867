import { TRANSCODER_HOLDER_KEY_PREFIX } from '@phzzk/contracts';
import { defineService, instanceUrl, openRedis, registeredByPlatform, serviceConfig } from '@phzzk/kit';
import Type from 'typebox';
import { ActiveHealthChecker } from './adapters/active-health.ts';
import { installFastLane } from './adapters/fast-lane.ts';
import { HolderResolver } from './adapters/holder-resolver.ts';
import { JwtVerifier } from './adapters/jwt-verifier.ts';
import { RateLimiter } from './adapters/rate-limiter.ts';
import { RawUpstreamClient } from './adapters/raw-upstream.ts';
import { RevokedSessions } from './adapters/revoked-sessions.ts';
import { discoveredServiceDocuments } from './adapters/service-documents.ts';
import { createRouteMetrics } from './adapters/route-metrics.ts';
import { collectServicesHealth } from './adapters/services-health.ts';
import { UpstreamClient } from './adapters/upstream-client.ts';
import { buildGatewayApp } from './app.ts';
import { createFastLaneHandler, createProxyHandler, type ProxyDeps } from './routes/proxy-handler.ts';
import { LoadBalancer } from './domain/load-balancer.ts';
import { PublicApiDocument } from './domain/public-api-document.ts';

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
  // Chat reads served from the cache (more specific than chat-api, so they win whatever the order).
  { id: 'chat-history', path: '/api/chat/*/messages', service: 'cache' },
  { id: 'chat-replay', path: '/api/chat/*/replay', service: 'cache' },
  { id: 'chat-participants', path: '/api/chat/*/participants', service: 'cache' },
  { id: 'chat-ws', path: '/ws/chat/**', service: 'chat' },
  { id: 'stats', path: '/api/stats/**', service: 'cache' },
  { id: 'vods', path: '/api/vods/**', service: 'packager' },
  { id: 'clips', path: '/api/clips/**', service: 'packager' },
  { id: 'vod-media', path: '/vod/**', service: 'packager', rateLimit: { limit: 0, windowMs: 1 } },
  {
    id: 'hls',
    path: '/hls/**',
    service: 'transcoder',
    // LL-HLS blocking playlist reloads wait up to ~3 target durations at the origin.
    timeoutMs: 30_000,
    rateLimit: { limit: 0, windowMs: 1 },
    holderKey: TRANSCODER_HOLDER_KEY_PREFIX,
  },
  // The web app: `/**` has the shortest literal prefix, so every route above wins over it.
  { id: 'web', path: '/**', service: 'web' },
];

export const GatewayConfig = serviceConfig(['redis'], {
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
  /** A request head must arrive within this (408 after), its body within `body-ms` of its start. */
  'gateway.timeouts.headers-ms': Type.Integer({ default: 10_000, minimum: 100 }),
  'gateway.timeouts.body-ms': Type.Integer({ default: 30_000, minimum: 100 }),
  /** Open connections one client address may hold (0: no cap); more are answered 429 and closed. */
  'gateway.max-connections-per-ip': Type.Integer({ default: 256, minimum: 0 }),
  /** WebSocket upgrades per client address and minute on /ws/** routes (0: no limit). */
  'gateway.websocket.upgrades-per-minute': Type.Integer({ default: 120, minimum: 0 }),
  /**
   * Bearer token for the gateway's /metrics, /info and detailed /health (operators, Prometheus).
   * Unset: those are not served at all; the public /health says only up or down.
   */
  'gateway.operator.token': Type.Optional(Type.String({ minLength: 32 })),
});

const BODY_LIMIT = 1024 * 1024;

export const gatewayService = defineService('gateway', GatewayConfig, async (ctx) => {
  const config = ctx.config;
  const upstream = new UpstreamClient();
  ctx.lifecycle.onClose('upstream pools', () => upstream.close());
  const rawUpstream = new RawUpstreamClient();
  ctx.lifecycle.onClose('fast-lane upstream pools', () => rawUpstream.close());
  const balancer = new LoadBalancer();

  const redis = openRedis(ctx, { critical: false });
  const revoked = new RevokedSessions(redis, () => config.get('gateway.jwt.access-ttl-seconds') * 1000);
  ctx.lifecycle.onClose('revocation feed', () => revoked.close());
  revoked.start().catch((error) => ctx.logger.warn({ err: error }, 'revocation feed not started yet'));
  ctx.health.register('revocations', () => revoked.healthy(), { critical: false });

  const verifier = new JwtVerifier({
    issuer: () => config.get('gateway.jwt.issuer'),
    audience: () => config.get('gateway.jwt.audience'),
    jwks: async () => {
      const explicit = config.get('gateway.jwt.jwks-uri');
      // Only an auth instance registered with the platform's own discovery credential may say
      // which keys sign tokens: one registered under another credential could mint accepted tokens.
      const auth = ctx.discovery.instances('auth').find((i) => registeredByPlatform(ctx.discovery, i));
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
    trust: ctx.trust,
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
  const headersTimeout = config.get('gateway.timeouts.headers-ms');
  const app = ctx.createApp({
    bodyLimit: BODY_LIMIT,
    preHandler: proxy,
    serverOptions: {
      headersTimeout,
      requestTimeout: Math.max(headersTimeout, config.get('gateway.timeouts.body-ms')),
      // How often Node checks those timeouts (its default, 30 s, would let them overrun by as much).
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    },
  });
  const fastLaneServe = createFastLaneHandler(proxyDeps, rawUpstream, () => closing);
  const fastLane = installFastLane(app.server, {
    serve: (head, remoteAddress, response, link) =>
      config.get('gateway.fast-lane.enabled') && fastLaneServe(head, remoteAddress, response, link),
    isClosing: () => closing,
    idleTimeoutMs: app.server.keepAliveTimeout,
    headersTimeoutMs: app.server.headersTimeout,
    maxConnectionsPerIp: () => config.get('gateway.max-connections-per-ip'),
  });
  // New requests on kept-alive connections get 503 + Connection: close while in-flight ones drain.
  app.addHook('preClose', async () => {
    closing = true;
    fastLane.closeIdle();
  });
  const apiDocument = new PublicApiDocument({
    routes,
    documents: discoveredServiceDocuments(ctx.discovery),
    info: { title: 'PHZZK API', version: ctx.identity.version },
  });
  return buildGatewayApp({
    app,
    discovery: ctx.discovery,
    balancer,
    verifier,
    revoked,
    trust: ctx.trust,
    routes,
    locatorEnabled,
    health: ctx.health,
    operatorToken: () => config.get('gateway.operator.token'),
    proxy: proxyDeps,
    upgradesPerMinute: () => config.get('gateway.websocket.upgrades-per-minute'),
    apiDocument,
  });
});

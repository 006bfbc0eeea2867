import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RawServerDefault } from 'fastify';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { HealthRegistry } from '../health/health-registry.ts';
import type { Logger } from '../logging/logger.ts';
import { installProblemHandlers } from './error-handler.ts';
import { installHttpMetrics } from './http-metrics.ts';
import { installOpenApi } from './openapi.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';

export interface ServiceIdentity {
  service: string;
  version: string;
  instanceId: string;
}

export interface BuildAppOptions {
  identity: ServiceIdentity;
  logger: FastifyBaseLogger;
  health: HealthRegistry;
  metrics: Registry;
  /** The git commit of the configuration in force, shown on /info. */
  configVersion?: () => string | null;
  bodyLimit?: number;
  /**
   * Serves some requests before Fastify sees them (the gateway's proxy path): return true when
   * the request was taken. Everything else, including /health, /metrics and /info, goes to Fastify.
   */
  preHandler?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * The Fastify instance every PHZZK service starts from: schema validation that rejects unknown
 * fields, problem+json errors, request ids, HTTP metrics, /health, /metrics and /info.
 * It does not listen; `listen()` belongs to the process entry (tests use inject()).
 */
export function buildServiceApp(options: BuildAppOptions): ServiceApp {
  const { identity, health, metrics } = options;
  const preHandler = options.preHandler;
  const app = Fastify({
    ...(preHandler
      ? {
          serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
            createServer((req, res) => {
              if (!preHandler(req, res)) handler(req, res);
            }),
        }
      : {}),
    loggerInstance: options.logger,
    genReqId: requestIdFrom,
    // One access-log line per request is written by the onResponse hook below instead.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    // Finish in-flight requests on close, but do not wait for idle keep-alive sockets.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: {
      customOptions: {
        // Unknown fields are an error (schemas say additionalProperties: false), never silently dropped.
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    // Probes poll /health and /metrics all the time: keep them out of the info log.
    const probe = request.url.startsWith('/health') || request.url.startsWith('/metrics');
    const level = reply.statusCode >= 500 ? 'error' : probe ? 'debug' : 'info';
    if (!(request.log as unknown as Logger).isLevelEnabled(level)) return; // nothing to pay when access logs are off
    request.log[level](
      {
        method: request.method,
        // The path only: query strings can carry secrets (OAuth codes, WebSocket access tokens).
        path: request.url.split('?')[0],
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
  });

  installProblemHandlers(app);
  installHttpMetrics(app, metrics);
  installOpenApi(app, identity);

  const sendHealth = async (reply: { code: (n: number) => { send: (b: unknown) => unknown } }) => {
    const report = await health.report();
    return reply.code(report.status === 'up' ? 200 : 503).send({
      status: report.status,
      service: identity.service,
      instanceId: identity.instanceId,
      checks: report.checks,
    });
  };
  app.get('/health', (_req, reply) => sendHealth(reply));
  app.get('/health/readiness', (_req, reply) => sendHealth(reply));
  app.get('/health/liveness', async () => ({ status: 'up' }));
  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
  app.get('/info', async () => ({ ...identity, configVersion: options.configVersion?.() ?? null }));

  return app;
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RawServerDefault } from 'fastify';
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { HealthRegistry } from '../health/health-registry.ts';
import type { Logger } from '../logging/logger.ts';
import { bodyStrictValidators, installStrictJsonParser } from '../security/strict-body.ts';
import { trustServer, verifyRequestIdentity } from './caller.ts';
import { answerClientError } from './client-error.ts';
import { installProblemHandlers } from './error-handler.ts';
import { installHttpMetrics } from './http-metrics.ts';
import { decidePath } from './path-decision.ts';
import { badRequest, unauthorized } from './problem-error.ts';
import { installOpenApi } from './openapi.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';
import { DEVELOPMENT_SERVICE_KEY, ServiceTrust } from './service-trust.ts';

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
  /** Options of the HTTP server (timeouts), with `preHandler` only. */
  serverOptions?: ServerOptions;
  /** The keys identities and service credentials are verified with (default: the development key). */
  trust?: ServiceTrust;
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
            createServer(options.serverOptions ?? {}, (req, res) => {
              if (!preHandler(req, res)) handler(req, res);
            }),
        }
      : {}),
    loggerInstance: options.logger,
    clientErrorHandler: answerClientError,
    genReqId: requestIdFrom,
    // One access-log line per request is written by the onResponse hook below instead.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    // Finish in-flight requests on close, but do not wait for idle keep-alive sockets.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // JSON bodies are never coerced; query strings and params still are (they are text on the wire).
    schemaController: { compilersFactory: { buildValidator: bodyStrictValidators() } },
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

  const trust = options.trust ?? new ServiceTrust(identity.service, [DEVELOPMENT_SERVICE_KEY]);
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // Routing and every guard below see the path as decided here (see path-decision.ts).
    const decision = decidePath(request.url);
    if (!decision.ok) throw badRequest('PATH_REFUSED', `Refused path: ${decision.reason}`);
    const identity = verifyRequestIdentity(trust, request.raw);
    if (!identity.ok) throw unauthorized('IDENTITY_UNVERIFIED', 'The identity headers of this request do not verify.');
  });
  // Upgrades (WebSocket) a service handles on the server bypass Fastify's hooks: caller(req)
  // verifies those itself, with the keys of the server the request came in on.
  trustServer(app.server, trust);
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

  installStrictJsonParser(app);
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

import { badRequest, type ServiceApp } from '@phzzk/kit';
import type { FastifyInstance } from 'fastify';
import type { DiscoveryNode } from './domain/discovery-node.ts';
import type { Clock } from './domain/registry.ts';
import { XML_CONTENT_TYPES } from './domain/content-negotiation.ts';
import type { DiscoveryCredentials } from './domain/credentials.ts';
import type { WatchStreams } from './domain/ports.ts';
import { parseXml } from './domain/xml-codec.ts';
import { queryRoutes } from './routes/query-routes.ts';
import { registrationRoutes } from './routes/registration-routes.ts';
import { replicationRoutes } from './routes/replication-routes.ts';
import { watchRoute } from './routes/watch-route.ts';
import { installWriteGuard } from './routes/write-guard.ts';

export interface DiscoveryAppDeps {
  /** The kit app (health, metrics, info, problem errors) the Eureka routes are added to. */
  app: ServiceApp;
  node: DiscoveryNode;
  watch: WatchStreams;
  clock: Clock;
  /** Who may write; undefined only when security is switched off. */
  credentials: DiscoveryCredentials | undefined;
}

/** Eureka clients send JSON or XML, and PUT/DELETE with a content type but no body. */
function installBodyParsers(scope: FastifyInstance): void {
  const parse =
    (decode: (text: string) => unknown) =>
    (_req: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
      const text = body.toString();
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, decode(text));
      } catch (error) {
        done(badRequest('MALFORMED_BODY', (error as Error).message));
      }
    };
  // Only JSON and XML: anything else is 415, as from Eureka.
  scope.removeContentTypeParser(['application/json', 'text/plain']);
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    parse((text) => JSON.parse(text)),
  );
  scope.addContentTypeParser(XML_CONTENT_TYPES, { parseAs: 'string' }, parse(parseXml));
}

/**
 * The discovery app: Eureka's REST API under `/eureka` (and `/eureka/v2`, the path of Netflix's
 * own server, which some clients default to), the push watch and peer replication.
 */
export function buildDiscoveryApp(deps: DiscoveryAppDeps): ServiceApp {
  const { app, node, watch, clock, credentials } = deps;
  for (const prefix of ['/eureka', '/eureka/v2']) {
    app.register(
      async (scope) => {
        installBodyParsers(scope);
        installWriteGuard(scope, credentials);
        await scope.register(registrationRoutes(node, clock));
        await scope.register(queryRoutes(node.registry));
        await scope.register(watchRoute(watch));
        await scope.register(replicationRoutes(node, clock));
      },
      { prefix },
    );
  }
  // Open watch streams would keep the server from closing; end them first.
  app.addHook('preClose', async () => watch.close());
  return app;
}

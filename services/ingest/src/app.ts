import { internalRoutes, type ServiceApp } from '@phzzk/kit';
import { type SessionRoutesDeps, sessionRoutes } from './routes/session-routes.ts';

export interface IngestAppDeps extends SessionRoutesDeps {
  app: ServiceApp;
}

/**
 * Adds the ingest's HTTP routes (live sources, session list) to a kit app, all under /internal:
 * any service with a signed service credential (the transcoder, operators' tools) may read them.
 */
export function buildIngestApp({ app, ...deps }: IngestAppDeps): ServiceApp {
  internalRoutes(app, (scope) => sessionRoutes(scope, deps));
  return app;
}

import { internalGuard, type ServiceApp } from '@phzzk/kit';
import { type SessionRoutesDeps, sessionRoutes } from './routes/session-routes.ts';

export interface IngestAppDeps extends SessionRoutesDeps {
  app: ServiceApp;
  internalApiToken?: () => string | undefined;
}

/** Adds the ingest's HTTP routes (live sources, session list) to a kit app. */
export function buildIngestApp({ app, internalApiToken, ...deps }: IngestAppDeps): ServiceApp {
  internalGuard(app, internalApiToken ?? (() => undefined));
  sessionRoutes(app, deps);
  return app;
}

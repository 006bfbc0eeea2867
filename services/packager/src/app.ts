import type { ServiceApp } from '@phzzk/kit';
import type { Clips } from './domain/clips.ts';
import type { MediaCatalog } from './domain/media-catalog.ts';
import type { MediaStorage } from './domain/ports.ts';
import type { Vods } from './domain/vods.ts';
import { clipRoutes } from './routes/clip-routes.ts';
import { mediaRoutes } from './routes/media-routes.ts';
import { vodRoutes } from './routes/vod-routes.ts';

export interface PackagerAppDeps {
  app: ServiceApp;
  vods: Vods;
  clips: Clips;
  catalog: MediaCatalog;
  storage: MediaStorage;
}

/** Adds the packager's routes to a kit app. */
export function buildPackagerApp({ app, vods, clips, catalog, storage }: PackagerAppDeps): ServiceApp {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  vodRoutes(app, vods);
  clipRoutes(app, clips);
  mediaRoutes(app, catalog, storage);
  return app;
}

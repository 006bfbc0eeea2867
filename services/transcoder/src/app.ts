import type { ServiceApp } from '@phzzk/kit';
import type { OriginStream } from './domain/ports.ts';
import { hlsRoutes } from './routes/hls-routes.ts';
import { streamInternalRoutes } from './routes/internal-routes.ts';

export interface TranscoderAppDeps {
  app: ServiceApp;
  streamOf(channelId: string): OriginStream | undefined;
  streams(): unknown[];
}

/** Adds the live HLS origin and the internal status route to a kit app. */
export function buildTranscoderApp({ app, streamOf, streams }: TranscoderAppDeps): ServiceApp {
  hlsRoutes(app, streamOf);
  streamInternalRoutes(app, streams);
  return app;
}

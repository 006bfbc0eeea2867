import type { ServiceApp } from '@phzzk/kit';
import type { LiveChannel } from './adapters/live-channel.ts';
import { hlsRoutes } from './routes/hls-routes.ts';
import { streamInternalRoutes } from './routes/internal-routes.ts';

export interface TranscoderAppDeps {
  app: ServiceApp;
  channelOf(channelId: string): LiveChannel | undefined;
  streams(): unknown[];
}

/** Adds the live HLS origin and the internal status route to a kit app. */
export function buildTranscoderApp({ app, channelOf, streams }: TranscoderAppDeps): ServiceApp {
  hlsRoutes(app, channelOf);
  streamInternalRoutes(app, streams);
  return app;
}

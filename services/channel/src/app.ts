import type { ServiceApp } from '@phzzk/kit';
import type { Channels } from './domain/channels.ts';
import { channelRoutes } from './routes/channel-routes.ts';
import { followRoutes } from './routes/follow-routes.ts';
import { followInternalRoutes, streamKeyInternalRoutes } from './routes/internal-routes.ts';
import { meRoutes } from './routes/me-routes.ts';

export interface ChannelAppDeps {
  app: ServiceApp;
  channels: Channels;
  /** Where OBS publishes to (shown with the stream key); read per request so it reloads live. */
  ingestUrl: () => string;
}

/** Adds the channel service's routes to a kit app. */
export function buildChannelApp({ app, channels, ingestUrl }: ChannelAppDeps): ServiceApp {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  // The router prefers the static /api/channels/me over /api/channels/:id whatever the order.
  meRoutes(app, channels, ingestUrl);
  channelRoutes(app, channels);
  followRoutes(app, channels);
  streamKeyInternalRoutes(app, channels);
  followInternalRoutes(app, channels);
  return app;
}

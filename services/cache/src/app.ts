import type { ServiceApp } from '@phzzk/kit';
import type { History } from './domain/history.ts';
import type { Participants } from './domain/participants.ts';
import type { Replay } from './domain/replay.ts';
import type { Stats } from './domain/stats.ts';
import { chatRoutes } from './routes/chat-routes.ts';
import { statsRoutes } from './routes/stats-routes.ts';

export interface CacheAppDeps {
  app: ServiceApp;
  history: History;
  replay: Replay;
  participants: Participants;
  stats: Stats;
}

/** Adds the caching service's routes to a kit app. */
export function buildCacheApp({ app, history, replay, participants, stats }: CacheAppDeps): ServiceApp {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  chatRoutes(app, { history, replay, participants });
  statsRoutes(app, stats);
  return app;
}

import type { ServiceApp } from '@phzzk/kit';
import type { Accounts } from './domain/accounts.ts';
import { accountInternalRoutes } from './routes/internal-routes.ts';
import { meRoutes } from './routes/me-routes.ts';
import { publicUserRoutes } from './routes/public-user-routes.ts';

export interface UserAppDeps {
  app: ServiceApp;
  accounts: Accounts;
}

/** Adds the user service's routes to a kit app. */
export function buildUserApp({ app, accounts }: UserAppDeps): ServiceApp {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  // The router prefers the static /api/users/me over /api/users/:id whatever the order.
  meRoutes(app, accounts);
  publicUserRoutes(app, accounts);
  accountInternalRoutes(app, accounts);
  return app;
}

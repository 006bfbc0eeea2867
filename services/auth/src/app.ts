import type { ServiceApp } from '@phzzk/kit';
import type { PublicKeySet } from './domain/ports.ts';
import type { Sessions } from './domain/sessions.ts';
import type { SocialLogin } from './domain/social-login.ts';
import { jwksRoutes } from './routes/jwks-routes.ts';
import { type SocialRouteSettings, socialRoutes } from './routes/social-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';

export interface AuthAppDeps {
  app: ServiceApp;
  sessions: Sessions;
  social: SocialLogin;
  keyring: () => PublicKeySet;
  socialSettings: () => SocialRouteSettings;
}

/** Adds the auth service's routes to a kit app. */
export function buildAuthApp(deps: AuthAppDeps): ServiceApp {
  deps.app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  tokenRoutes(deps.app, deps.sessions, () => ({
    secureCookies: deps.socialSettings().publicUrl.startsWith('https:'),
  }));
  jwksRoutes(deps.app, deps.keyring);
  socialRoutes(deps.app, deps.social, deps.socialSettings);
  return deps.app;
}

import type { ServiceApp } from '@phzzk/kit';
import type { ChangeWatcher } from './domain/change-watcher.ts';
import type { CipherKey } from './domain/cipher.ts';
import type { ConfigRepository } from './domain/config-repository.ts';
import { encryptionRoutes } from './routes/encryption-routes.ts';
import { environmentRoutes } from './routes/environment-routes.ts';
import { monitorRoutes } from './routes/monitor-routes.ts';

export interface ConfigAppDeps {
  /** A kit app (health, metrics, info, problem errors) to add the routes to. */
  app: ServiceApp;
  repository: ConfigRepository;
  watcher: ChangeWatcher;
  cipherKey: CipherKey | null;
  adminToken: string | undefined;
  decryptEnabled: boolean;
}

export async function build(deps: ConfigAppDeps): Promise<ServiceApp> {
  const { app } = deps;
  // `curl -d` posts forms; /encrypt and /decrypt take them as text like Spring does.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  encryptionRoutes(app, { key: deps.cipherKey, adminToken: deps.adminToken, decryptEnabled: deps.decryptEnabled });
  await monitorRoutes(app, deps.watcher, deps.repository);
  environmentRoutes(app, deps.repository);
  return app;
}

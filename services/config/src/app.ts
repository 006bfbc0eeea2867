import type { ServiceApp } from '@phzzk/kit';
import type { ChangeWatcher } from './domain/change-watcher.ts';
import type { CipherKey } from './domain/cipher.ts';
import type { ConfigRepository } from './domain/config-repository.ts';
import { encryptionRoutes } from './routes/encryption-routes.ts';
import { environmentRoutes } from './routes/environment-routes.ts';
import { monitorRoutes } from './routes/monitor-routes.ts';
import type { ReadCredentials } from './routes/read-auth.ts';

export interface ConfigAppDeps {
  /** A kit app (health, metrics, info, problem errors) to add the routes to. */
  app: ServiceApp;
  repository: ConfigRepository;
  watcher: ChangeWatcher;
  cipherKey: CipherKey | null;
  adminToken: string | undefined;
  decryptEnabled: boolean;
  /** HTTP Basic credentials for reads; undefined only with config.security.enabled=false. */
  readCredentials: ReadCredentials | undefined;
  /** The `/monitor` webhook secret; without one `/monitor` is closed. */
  monitorSecret: string | undefined;
}

export async function build(deps: ConfigAppDeps): Promise<ServiceApp> {
  const { app } = deps;
  // `curl -d` posts forms; /encrypt and /decrypt take them as text like Spring does.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  encryptionRoutes(app, { key: deps.cipherKey, adminToken: deps.adminToken, decryptEnabled: deps.decryptEnabled });
  await monitorRoutes(app, deps.watcher, deps.repository, deps.monitorSecret);
  environmentRoutes(app, deps.repository, deps.readCredentials);
  return app;
}

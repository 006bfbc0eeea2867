import type { ServiceApp } from '@phzzk/kit';
import type { ChangeWatcher } from '../domain/change-watcher.ts';
import type { ConfigRepository } from '../domain/config-repository.ts';
import { affectedApplications } from '../domain/affected-apps.ts';
import { requireWebhookSecret } from './monitor-auth.ts';

/**
 * `POST /monitor`: a push webhook (GitHub, GitLab, Bitbucket, Gitea: any body, or none) makes the
 * server look at the repository now instead of at the next poll. The body is not trusted for
 * what changed: the server fetches and diffs itself. Answers what it found.
 */
export async function monitorRoutes(
  app: ServiceApp,
  watcher: ChangeWatcher,
  repository: ConfigRepository,
  secret: string | undefined,
): Promise<void> {
  const preHandler = requireWebhookSecret(secret);
  await app.register(async (scope) => {
    // Webhook senders post JSON, forms, or nothing at all with a JSON content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    scope.post('/monitor', { preHandler }, async (request) => {
      if (request.headers['x-github-event'] === 'ping')
        return { version: repository.current?.commit ?? null, changed: false, applications: [] };
      const advance = await watcher.check(true);
      return {
        version: repository.current?.commit ?? null,
        changed: advance !== null,
        applications: advance ? (advance.previous === null ? ['*'] : affectedApplications(advance.changedFiles)) : [],
      };
    });
  });
}

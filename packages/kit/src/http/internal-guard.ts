import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServiceApp } from './build-app.ts';
import { unauthorized } from './problem-error.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Service-to-service endpoints live under /internal (the gateway never forwards there). When
 * `internal.api-token` is configured, callers must also present it in x-phzzk-internal-token
 * (compared in constant time); answers are never cached.
 */
export function internalGuard(app: ServiceApp, apiToken: () => string | undefined): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/internal/')) return;
    reply.header('cache-control', 'no-store');
    const expected = apiToken();
    if (!expected) return;
    const given = request.headers['x-phzzk-internal-token'];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), digest(expected))) {
      throw unauthorized('INTERNAL_AUTH_REQUIRED', 'Internal endpoints need the internal API token.');
    }
  });
}

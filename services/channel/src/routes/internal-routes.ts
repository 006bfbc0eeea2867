import { AuthorizeStreamKeyRequest, AuthorizeStreamKeyResponse } from '@phzzk/contracts';
import { internalGuard, type ServiceApp, strictValidator } from '@phzzk/kit';
import type { Channels } from '../domain/channels.ts';

/**
 * The ingest service's view, under /internal (the gateway routes only /api/channels/** here).
 * When `internal.api-token` is configured, callers must present it as well.
 */
export function internalRoutes(app: ServiceApp, channels: Channels, apiToken: () => string | undefined): void {
  internalGuard(app, apiToken);

  // The key travels in the body, never in a URL, so that it stays out of access logs.
  app.post(
    '/internal/stream-keys/authorize',
    {
      schema: { body: AuthorizeStreamKeyRequest, response: { 200: AuthorizeStreamKeyResponse } },
      validatorCompiler: strictValidator,
    },
    async (request) => ({ channelId: await channels.authorize(request.body.streamKey) }),
  );
}

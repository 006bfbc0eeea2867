import { AuthorizeStreamKeyRequest, AuthorizeStreamKeyResponse } from '@phzzk/contracts';
import { internalRoutes, type ServiceApp, strictValidator } from '@phzzk/kit';
import type { Channels } from '../domain/channels.ts';

/**
 * The ingest service's view, under /internal (the gateway never routes there): only the ingest
 * service, with its signed service credential, may call it.
 */
export function streamKeyInternalRoutes(app: ServiceApp, channels: Channels): void {
  internalRoutes(app, (scope) => routes(scope, channels), { callers: ['ingest'] });
}

function routes(app: ServiceApp, channels: Channels): void {
  // The key travels in the body, never in a URL, so that it stays out of access logs.
  app.post(
    '/stream-keys/authorize',
    {
      schema: { body: AuthorizeStreamKeyRequest, response: { 200: AuthorizeStreamKeyResponse } },
      validatorCompiler: strictValidator,
    },
    async (request) => ({ channelId: await channels.authorize(request.body.streamKey) }),
  );
}

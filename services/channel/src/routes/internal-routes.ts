import { AuthorizeStreamKeyRequest, AuthorizeStreamKeyResponse, FollowSince, Uuid } from '@phzzk/contracts';
import { internalRoutes, type ServiceApp, strictValidator } from '@phzzk/kit';
import type { Channels } from '../domain/channels.ts';
import Type from 'typebox';

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

/** The chat service's followers-only check: whether and since when a user follows a channel. */
export function followInternalRoutes(app: ServiceApp, channels: Channels): void {
  internalRoutes(
    app,
    (scope) => {
      scope.get(
        '/channels/:id/follows/:userId',
        {
          schema: {
            params: Type.Object({ id: Uuid, userId: Uuid }, { additionalProperties: false }),
            response: { 200: FollowSince },
          },
        },
        async (request) => {
          const { id, userId } = request.params;
          const follow = await channels.followOf(id, userId);
          return { channelId: id, userId, following: follow.following, since: follow.since?.toISOString() ?? null };
        },
      );
    },
    { callers: ['chat'] },
  );
}

import { AuthorizeStreamKeyRequest, AuthorizeStreamKeyResponse, FollowSince, Uuid } from '@phzzk/contracts';
import { internalGuard, type ServiceApp } from '@phzzk/kit';
import type { Channels } from '../domain/channels.ts';
import { asProblem } from './problems.ts';
import { strictValidator } from './strict-validator.ts';
import Type from 'typebox';

/**
 * The views of other services (ingest, chat), under /internal (the gateway routes only /api/channels/** here).
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
    async (request) => ({ channelId: await asProblem(() => channels.authorize(request.body.streamKey)) }),
  );

  // The chat service's followers-only check: whether and since when a user follows a channel.
  app.get(
    '/internal/channels/:id/follows/:userId',
    {
      schema: {
        params: Type.Object({ id: Uuid, userId: Uuid }, { additionalProperties: false }),
        response: { 200: FollowSince },
      },
    },
    async (request) => {
      const { id, userId } = request.params;
      const follow = await asProblem(() => channels.followOf(id, userId));
      return { channelId: id, userId, following: follow.following, since: follow.since?.toISOString() ?? null };
    },
  );
}

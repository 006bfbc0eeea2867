import { FollowState } from '@phzzk/contracts';
import { caller, type ServiceApp } from '@phzzk/kit';
import type { Channels } from '../domain/channels.ts';
import { ChannelIdParams } from './params.ts';

/** Follow and unfollow; both idempotent, both answer the state after the call. */
export function followRoutes(app: ServiceApp, channels: Channels): void {
  const route = {
    schema: { params: ChannelIdParams, response: { 200: FollowState } },
    config: { problems: { 401: ['AUTH_REQUIRED'], 404: ['CHANNEL_NOT_FOUND'], 409: ['CANNOT_FOLLOW_OWN_CHANNEL'] } },
  };

  app.put('/api/channels/:id/follow', route, async (request, reply) => {
    const user = caller(request).userId;
    reply.header('cache-control', 'no-store');
    const followerCount = await channels.follow(user, request.params.id);
    return { channelId: request.params.id, following: true, followerCount };
  });

  app.delete('/api/channels/:id/follow', route, async (request, reply) => {
    const user = caller(request).userId;
    reply.header('cache-control', 'no-store');
    const followerCount = await channels.unfollow(user, request.params.id);
    return { channelId: request.params.id, following: false, followerCount };
  });
}

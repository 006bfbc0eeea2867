import { FollowState } from '@phzzk/contracts';
import { caller, type ServiceApp } from '@phzzk/kit';
import type { Channels } from '../domain/channels.ts';
import { ChannelIdParams } from './params.ts';
import { asProblem } from './problems.ts';

/** Follow and unfollow; both idempotent, both answer the state after the call. */
export function followRoutes(app: ServiceApp, channels: Channels): void {
  const schema = { params: ChannelIdParams, response: { 200: FollowState } };

  app.put('/api/channels/:id/follow', { schema }, async (request, reply) => {
    const user = caller(request).userId;
    reply.header('cache-control', 'no-store');
    const followerCount = await asProblem(() => channels.follow(user, request.params.id));
    return { channelId: request.params.id, following: true, followerCount };
  });

  app.delete('/api/channels/:id/follow', { schema }, async (request, reply) => {
    const user = caller(request).userId;
    reply.header('cache-control', 'no-store');
    const followerCount = await asProblem(() => channels.unfollow(user, request.params.id));
    return { channelId: request.params.id, following: false, followerCount };
  });
}

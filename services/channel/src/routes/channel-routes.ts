import { Channel, ChannelListQuery, ChannelPage, LiveInfo } from '@phzzk/contracts';
import { caller, optionalCaller, type ServiceApp } from '@phzzk/kit';
import type { Channels } from '../domain/channels.ts';
import { ChannelIdParams } from './params.ts';
import { presentChannel } from './present.ts';

/** What anyone may read: the directory (and a signed-in caller's follows in it), a channel, and whether it is live. */
export function channelRoutes(app: ServiceApp, channels: Channels): void {
  app.get(
    '/api/channels',
    {
      schema: { querystring: ChannelListQuery, response: { 200: ChannelPage } },
      config: { problems: { 400: ['INVALID_CURSOR'], 401: ['AUTH_REQUIRED'] } },
    },
    async (request, reply) => {
      const { followed, ...query } = request.query;
      if (!followed) return channels.list(query);
      // The caller's follows: signed in only, and never kept by a shared cache.
      const user = caller(request).userId;
      reply.header('cache-control', 'private, no-store');
      return channels.list(query, user);
    },
  );

  app.get(
    '/api/channels/:id',
    {
      schema: { params: ChannelIdParams, response: { 200: Channel } },
      config: { problems: { 404: ['CHANNEL_NOT_FOUND'] } },
    },
    async (request, reply) => {
      const caller = optionalCaller(request)?.userId;
      // `following` depends on who asks: never let a shared cache keep one caller's answer.
      if (caller) reply.header('cache-control', 'private, no-store');
      return presentChannel(await channels.view(request.params.id, caller));
    },
  );

  app.get(
    '/api/channels/:id/live',
    {
      schema: { params: ChannelIdParams, response: { 200: LiveInfo } },
      config: { problems: { 404: ['CHANNEL_NOT_FOUND'] } },
    },
    async (request) => channels.live(request.params.id),
  );
}

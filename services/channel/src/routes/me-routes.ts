import { Channel, StreamKeyResponse, UpdateChannelRequest } from '@phzzk/contracts';
import { caller, type ServiceApp } from '@phzzk/kit';
import type { Channels } from '../domain/channels.ts';
import { presentChannel } from './present.ts';

/** The signed-in user's own channel and its stream key (the key is never logged nor cached). */
export function meRoutes(app: ServiceApp, channels: Channels, ingestUrl: () => string): void {
  const problems = { 401: ['AUTH_REQUIRED'], 404: ['CHANNEL_NOT_FOUND'] };
  app.get(
    '/api/channels/me',
    { schema: { response: { 200: Channel } }, config: { problems } },
    async (request, reply) => {
      const owner = caller(request).userId;
      reply.header('cache-control', 'no-store');
      return presentChannel(await channels.mine(owner));
    },
  );

  app.patch(
    '/api/channels/me',
    {
      schema: { body: UpdateChannelRequest, response: { 200: Channel } },
      config: { problems: { ...problems, 400: ['INVALID_CHANNEL_FIELD'] } },
    },
    async (request, reply) => {
      const owner = caller(request).userId;
      reply.header('cache-control', 'no-store');
      return presentChannel(await channels.update(owner, request.body));
    },
  );

  app.get(
    '/api/channels/me/stream-key',
    {
      schema: { response: { 200: StreamKeyResponse } },
      config: { problems: { ...problems, 409: ['STREAM_KEY_UNAVAILABLE'] } },
    },
    async (request, reply) => {
      const owner = caller(request).userId;
      reply.header('cache-control', 'no-store');
      return { streamKey: await channels.streamKey(owner), ingestUrl: ingestUrl() };
    },
  );

  app.post(
    '/api/channels/me/stream-key/rotate',
    { schema: { response: { 200: StreamKeyResponse } }, config: { problems } },
    async (request, reply) => {
      const owner = caller(request).userId;
      reply.header('cache-control', 'no-store');
      return { streamKey: await channels.rotateStreamKey(owner), ingestUrl: ingestUrl() };
    },
  );
}

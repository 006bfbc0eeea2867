import { Clip, ClipListQuery, ClipPage, CreateClipRequest, Uuid } from '@phzzk/contracts';
import { caller, type ServiceApp, strictValidator } from '@phzzk/kit';
import Type from 'typebox';
import type { Clips } from '../domain/clips.ts';

const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** `/api/clips`: any signed-in user clips a live broadcast or a VOD; anyone watches. */
export function clipRoutes(app: ServiceApp, clips: Clips): void {
  app.post(
    '/api/clips',
    {
      schema: { body: CreateClipRequest, response: { 201: Clip } },
      config: {
        problems: {
          400: ['CLIP_OUT_OF_RANGE'],
          401: ['AUTH_REQUIRED'],
          404: ['VOD_NOT_FOUND'],
          409: ['CHANNEL_NOT_LIVE', 'NO_MEDIA'],
        },
      },
      validatorCompiler: strictValidator,
    },
    async (request, reply) => {
      const who = caller(request);
      const clip = await clips.create(who.userId, request.body);
      return reply.code(201).header('cache-control', 'no-store').header('location', `/api/clips/${clip.id}`).send(clip);
    },
  );

  app.get(
    '/api/clips',
    {
      schema: { querystring: ClipListQuery, response: { 200: ClipPage } },
      config: { problems: { 400: ['INVALID_CURSOR'] } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=2');
      return clips.list(request.query);
    },
  );

  app.get(
    '/api/clips/:id',
    { schema: { params: IdParams, response: { 200: Clip } }, config: { problems: { 404: ['CLIP_NOT_FOUND'] } } },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return clips.get(request.params.id);
    },
  );
}

import { NoContent, PatchVodRequest, Uuid, Vod, VodListQuery, VodPage } from '@phzzk/contracts';
import { caller, optionalCaller, type ServiceApp, strictValidator } from '@phzzk/kit';
import Type from 'typebox';
import type { Vods } from '../domain/vods.ts';

const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** What the owner's edits may answer besides their success (documented in OpenAPI). */
const ownerProblems = {
  401: ['AUTH_REQUIRED'],
  403: ['NOT_CHANNEL_OWNER'],
  404: ['VOD_NOT_FOUND'],
  503: ['CHANNEL_SERVICE_UNAVAILABLE'],
};

/** `/api/vods`: anyone reads (unlisted VODs are listed to their owner only); the owner edits and deletes. */
export function vodRoutes(app: ServiceApp, vods: Vods): void {
  app.get(
    '/api/vods',
    {
      schema: { querystring: VodListQuery, response: { 200: VodPage } },
      config: { problems: { 400: ['INVALID_CURSOR'] } },
    },
    async (request, reply) => {
      const who = optionalCaller(request);
      // The owner sees unlisted VODs: never let a shared cache keep a signed-in answer.
      reply.header('cache-control', who ? 'private, no-store' : 'public, max-age=2');
      return vods.list(request.query, who?.userId);
    },
  );

  app.get(
    '/api/vods/:id',
    { schema: { params: IdParams, response: { 200: Vod } }, config: { problems: { 404: ['VOD_NOT_FOUND'] } } },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=2');
      return vods.get(request.params.id);
    },
  );

  app.patch(
    '/api/vods/:id',
    {
      schema: { params: IdParams, body: PatchVodRequest, response: { 200: Vod } },
      config: { problems: ownerProblems },
      validatorCompiler: strictValidator,
    },
    async (request, reply) => {
      const who = caller(request);
      reply.header('cache-control', 'no-store');
      return vods.update(request.params.id, who.userId, request.body);
    },
  );

  app.delete(
    '/api/vods/:id',
    { schema: { params: IdParams, response: { 204: NoContent } }, config: { problems: ownerProblems } },
    async (request, reply) => {
      const who = caller(request);
      await vods.delete(request.params.id, who.userId);
      return reply.code(204).header('cache-control', 'no-store').send(null);
    },
  );
}

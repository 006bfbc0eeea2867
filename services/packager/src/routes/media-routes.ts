import { createHash } from 'node:crypto';
import { PROBLEM_CONTENT_TYPE, problemBody, type ServiceApp } from '@phzzk/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseRange } from '../domain/byte-range.ts';
import type { MediaCatalog } from '../domain/media-catalog.ts';
import { parseMediaPath } from '../domain/media-path.ts';
import type { MediaStorage } from '../domain/ports.ts';

/**
 * `/vod/**`: playlists rendered from the segment indexes, segments, thumbnails, storyboards and
 * clip MP4s from storage, with Content-Type, Cache-Control, ETag (304 on If-None-Match) and single
 * byte ranges (206; 416 past the end). The path is parsed from the raw request target, and only
 * exact shapes are served: `..`, encoded slashes and the like are refused with 400.
 */
export function mediaRoutes(app: ServiceApp, catalog: MediaCatalog, storage: MediaStorage): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const parsed = parseMediaPath(request.raw.url ?? '');
    if (!parsed.ok) {
      return parsed.reason === 'bad-path'
        ? problem(reply, 400, 'BAD_MEDIA_PATH', 'This is not a media path.')
        : problem(reply, 404, 'MEDIA_NOT_FOUND', 'No such media.');
    }
    const answer = await catalog.answer(parsed.resource);
    const head = request.method === 'HEAD';
    if (answer.kind === 'missing') return problem(reply, 404, 'MEDIA_NOT_FOUND', 'No such media.');
    reply.header('accept-ranges', answer.kind === 'file' ? 'bytes' : 'none');
    reply.header('cache-control', answer.cacheControl);
    reply.header('content-type', answer.contentType);
    if (answer.kind === 'text') {
      const etag = `"${createHash('sha1').update(answer.body).digest('base64url').slice(0, 22)}"`;
      reply.header('etag', etag);
      if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.send(head ? undefined : answer.body);
    }
    const stat = await storage.stat(answer.key);
    if (!stat) return problem(reply, 404, 'MEDIA_NOT_FOUND', 'No such media.');
    const etag = `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
    reply.header('etag', etag);
    reply.header('last-modified', new Date(stat.mtimeMs).toUTCString());
    if (answer.disposition) reply.header('content-disposition', answer.disposition);
    if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
    const ifRange = request.headers['if-range'];
    const range =
      ifRange && ifRange !== etag ? { kind: 'whole' as const } : parseRange(request.headers.range, stat.size);
    if (range.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${stat.size}`);
      return problem(reply, 416, 'RANGE_NOT_SATISFIABLE', `The file has ${stat.size} bytes.`);
    }
    if (range.kind === 'partial') {
      reply.code(206);
      reply.header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`);
      reply.header('content-length', range.end - range.start + 1);
      return reply.send(head ? undefined : storage.stream(answer.key, range));
    }
    reply.header('content-length', stat.size);
    return reply.send(head ? undefined : storage.stream(answer.key));
  };
  // Media, not JSON: left out of the OpenAPI document (its shapes are in the README's table).
  app.get('/vod/*', { exposeHeadRoute: false, schema: { hide: true } }, handler);
  app.head('/vod/*', { schema: { hide: true } }, handler);
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

function problem(reply: FastifyReply, status: number, code: string, detail: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(problemBody(status, code, detail));
}

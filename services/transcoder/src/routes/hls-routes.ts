import { notFound, ProblemError, type ServiceApp } from '@phzzk/kit';
import { CONTENT_TYPES, parseHlsPath, serveHls } from '@phzzk/media/hls';
import type { LiveChannel } from '../adapters/live-channel.ts';

const NO_STORE = { 'cache-control': 'no-store' };
/** A thumbnail is replaced every 2 s. */
const THUMBNAIL_CACHE = 'public, max-age=2';

/**
 * The live origin: GET /hls/{channelId}/master.m3u8, {rendition}/playlist.m3u8 (blocking reload,
 * delta updates), init segments, segments and parts (preload hints block until the part exists).
 * The gateway forwards the original path to the instance holding the channel.
 */
export function hlsRoutes(app: ServiceApp, channelOf: (channelId: string) => LiveChannel | undefined): void {
  // The latest frame of the stream (a static segment: routed before the wildcard below).
  app.get('/hls/:channelId/thumbnail.jpg', async (request, reply) => {
    const { channelId } = request.params as { channelId: string };
    const channel = channelOf(channelId);
    if (!channel) throw notFound('CHANNEL_NOT_LIVE', `Channel ${channelId} is not live here`);
    const jpeg = channel.thumbnail();
    if (!jpeg) throw problem(404, 'THUMBNAIL_NOT_FOUND', `Channel ${channelId} has no thumbnail yet`);
    return reply.code(200).headers({ 'content-type': 'image/jpeg', 'cache-control': THUMBNAIL_CACHE }).send(jpeg);
  });

  app.get('/hls/:channelId/*', async (request, reply) => {
    const { channelId, '*': rest } = request.params as { channelId: string; '*': string };
    const channel = channelOf(channelId);
    if (!channel) throw notFound('CHANNEL_NOT_LIVE', `Channel ${channelId} is not live here`);
    const path = channel.localPath(rest);
    const resource = path === undefined ? undefined : parseHlsPath(path);
    if (!path || !resource) throw problem(404, 'HLS_RESOURCE_NOT_FOUND', `No HLS resource ${rest}`);
    if (resource.kind !== 'master' && !channel.stream.rendition(resource.rendition)) {
      throw problem(404, 'RENDITION_NOT_FOUND', `Channel ${channelId} has no rendition ${resource.rendition}`);
    }

    // A blocked request is released when the player goes away.
    const gone = new AbortController();
    const onClose = () => gone.abort();
    reply.raw.once('close', onClose);
    let response: Awaited<ReturnType<typeof serveHls>>;
    try {
      const waitFor =
        resource.kind === 'master' ? channel.renditions : resource.kind === 'playlist' ? [resource.rendition] : [];
      const first = await channel.firstParts(waitFor, gone.signal);
      if (first === 'aborted') return reply.code(499).headers(NO_STORE).send();
      if (first === 'timeout') throw notReady('the stream has no media yet');
      response = await serveHls(channel.stream, {
        path,
        query: request.query as Record<string, unknown>,
        signal: gone.signal,
      });
    } finally {
      reply.raw.off('close', onClose);
    }

    switch (response.status) {
      case 200:
        break;
      case 499:
        return reply.code(499).headers(NO_STORE).send();
      case 400:
        throw problem(400, 'INVALID_DELIVERY_DIRECTIVE', String(response.body));
      case 404:
        throw problem(404, 'HLS_RESOURCE_NOT_FOUND', String(response.body));
      default:
        throw notReady(String(response.body));
    }
    reply.code(200).headers(response.headers);
    const body = response.body!;
    if (typeof body === 'string') {
      return reply.send(response.headers['content-type'] === CONTENT_TYPES.playlist ? channel.exposed(body) : body);
    }
    return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
}

function notReady(detail: string): ProblemError {
  return new ProblemError(503, 'HLS_NOT_READY', detail, { retryAfter: 1, headers: NO_STORE });
}

function problem(status: 400 | 404, code: string, detail: string): ProblemError {
  return new ProblemError(status, code, detail, { headers: NO_STORE });
}

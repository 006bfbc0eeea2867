// Framework-free request handling for a live stream's HLS resources. The HTTP layer maps the path
// below /hls/{channelId}/ and the query to serveHls() and writes back status, headers and body.
import {
  awaitPlaylistDirectives,
  blockingTimeoutMs,
  parsePlaylistDirectives,
  type QueryInput,
} from './blocking-request.ts';
import { cacheControl } from './cache-control.ts';
import type { LlHlsStream } from './ll-hls-stream.ts';
import { CONTENT_TYPES, parseHlsPath } from './naming.ts';

export type HlsRequest = {
  /** Path below the stream root: "master.m3u8", "720p/playlist.m3u8", "720p/part-3.1.m4s". */
  path: string;
  query?: QueryInput;
  /** Aborted when the client disconnects, so blocked requests are released early. */
  signal?: AbortSignal;
};

export type HlsResponse = {
  /** 499 = the client went away while blocked; write nothing. */
  status: 200 | 400 | 404 | 499 | 503;
  headers: Record<string, string>;
  body?: string | Uint8Array;
};

export type ServeOptions = {
  /** How long a blocking request may wait; default 3x the target duration (§6.2.5.2). */
  timeoutMs?: number;
  /** Media URIs are unique to this session (the path carries a session id): cache them forever. */
  sessionUnique?: boolean;
};

const error = (status: 400 | 404 | 499 | 503, message: string): HlsResponse => ({
  status,
  headers: { 'cache-control': cacheControl({ kind: 'error' }), 'content-type': 'text/plain; charset=utf-8' },
  body: message,
});

export async function serveHls(
  stream: LlHlsStream,
  request: HlsRequest,
  options: ServeOptions = {},
): Promise<HlsResponse> {
  const resource = parseHlsPath(request.path);
  if (!resource) return error(404, 'not found');
  const timeoutMs = options.timeoutMs ?? blockingTimeoutMs(stream.targetDuration);
  const media = (body: Uint8Array, contentType: string, kind: 'init' | 'segment' | 'part'): HlsResponse => ({
    status: 200,
    headers: {
      'content-type': contentType,
      'cache-control': cacheControl({ kind, sessionUnique: options.sessionUnique }),
    },
    body,
  });

  if (resource.kind === 'master') {
    if (!(await stream.waitForMaster(timeoutMs, request.signal))) {
      return request.signal?.aborted ? error(499, 'client closed the request') : error(503, 'stream not ready');
    }
    return {
      status: 200,
      headers: {
        'content-type': CONTENT_TYPES.playlist,
        'cache-control': cacheControl({ kind: 'master', ended: stream.ended }),
      },
      body: stream.masterPlaylist()!,
    };
  }

  const rendition = stream.rendition(resource.rendition);
  if (!rendition) return error(404, 'unknown rendition');

  switch (resource.kind) {
    case 'playlist': {
      const parsed = parsePlaylistDirectives(request.query ?? {});
      if (!parsed.ok) return error(400, parsed.error);
      const { directives } = parsed;
      // Nothing to list before the encoder's first output: hold the request until it arrives.
      if (!(await rendition.waitForInit(timeoutMs, request.signal))) {
        return request.signal?.aborted ? error(499, 'client closed the request') : error(503, 'rendition not started');
      }
      const outcome = await awaitPlaylistDirectives(rendition, directives, { timeoutMs, signal: request.signal });
      if (outcome.status !== 200) return error(outcome.status, outcome.error);
      return {
        status: 200,
        headers: {
          'content-type': CONTENT_TYPES.playlist,
          'cache-control': cacheControl({
            kind: 'playlist',
            blocking: directives.msn !== undefined,
            ended: rendition.ended,
            targetDuration: stream.targetDuration,
            partTarget: stream.partTarget,
          }),
        },
        body: stream.mediaPlaylist(resource.rendition, { skip: directives.skip !== undefined })!,
      };
    }
    case 'init': {
      const bytes = rendition.getInit(resource.initId);
      return bytes ? media(bytes, CONTENT_TYPES.init, 'init') : error(404, 'no such init segment');
    }
    case 'segment': {
      // Segments are listed only once complete (§6.2.1 M6), so an unknown one is simply absent.
      const bytes = rendition.getSegment(resource.msn);
      return bytes ? media(bytes, CONTENT_TYPES.media, 'segment') : error(404, 'no such segment');
    }
    case 'part': {
      const result = await rendition.waitForPart(resource.msn, resource.part, timeoutMs, request.signal);
      if (result.status === 'ready') return media(result.bytes, CONTENT_TYPES.media, 'part');
      if (result.status === 'not-found') return error(404, 'no such part');
      if (result.status === 'aborted') return error(499, 'client closed the request');
      return error(503, 'part did not appear in time');
    }
  }
}

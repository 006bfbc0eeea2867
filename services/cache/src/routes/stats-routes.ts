import {
  ChannelStats,
  ChatChannelParams,
  HeartbeatAccepted,
  HeartbeatRequest,
  SessionParams,
  SessionStats,
} from '@phzzk/contracts';
import { optionalCaller, ProblemError, type ServiceApp } from '@phzzk/kit';
import { HEARTBEAT_INTERVAL_SECONDS, type Stats } from '../domain/stats.ts';
import { asProblem } from './problems.ts';

/**
 * The address a request came from: the last X-Forwarded-For entry is the one the gateway appended
 * (earlier entries are whatever the client claimed); without one, the socket's peer.
 */
export function clientAddress(request: { headers: Record<string, unknown>; socket: { remoteAddress?: string } }) {
  const forwarded = request.headers['x-forwarded-for'];
  if (typeof forwarded === 'string' && forwarded !== '') {
    const last = forwarded.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return request.socket.remoteAddress ?? 'unknown';
}

export function statsRoutes(app: ServiceApp, stats: Stats): void {
  app.post(
    '/api/stats/heartbeat',
    { bodyLimit: 1024, schema: { body: HeartbeatRequest, response: { 202: HeartbeatAccepted } } },
    async (request, reply) => {
      try {
        await asProblem(() => stats.heartbeat(request.body, clientAddress(request), optionalCaller(request)?.userId));
      } catch (error) {
        if (error instanceof ProblemError && error.status === 429)
          reply.header('retry-after', String(error.extra.retryAfterSeconds));
        throw error;
      }
      reply.code(202);
      return { nextHeartbeatSeconds: HEARTBEAT_INTERVAL_SECONDS };
    },
  );

  app.get(
    '/api/stats/channels/:channelId',
    { schema: { params: ChatChannelParams, response: { 200: ChannelStats } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return asProblem(() => stats.channel(request.params.channelId));
    },
  );

  app.get(
    '/api/stats/channels/:channelId/sessions/:sessionId',
    { schema: { params: SessionParams, response: { 200: SessionStats } } },
    async (request) => asProblem(() => stats.session(request.params.channelId, request.params.sessionId)),
  );
}

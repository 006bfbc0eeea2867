import {
  ChannelStats,
  ChatChannelParams,
  HeartbeatAccepted,
  HeartbeatRequest,
  SessionParams,
  SessionStats,
} from '@phzzk/contracts';
import { clientAddress, optionalCaller, type ServiceApp } from '@phzzk/kit';
import { HEARTBEAT_INTERVAL_SECONDS, type Stats } from '../domain/stats.ts';

export function statsRoutes(app: ServiceApp, stats: Stats): void {
  app.post(
    '/api/stats/heartbeat',
    { bodyLimit: 1024, schema: { body: HeartbeatRequest, response: { 202: HeartbeatAccepted } } },
    async (request, reply) => {
      // The address the gateway verified and signed, never a client's X-Forwarded-For.
      await stats.heartbeat(request.body, clientAddress(request), optionalCaller(request)?.userId);
      reply.code(202);
      return { nextHeartbeatSeconds: HEARTBEAT_INTERVAL_SECONDS };
    },
  );

  app.get(
    '/api/stats/channels/:channelId',
    { schema: { params: ChatChannelParams, response: { 200: ChannelStats } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return stats.channel(request.params.channelId);
    },
  );

  app.get(
    '/api/stats/channels/:channelId/sessions/:sessionId',
    { schema: { params: SessionParams, response: { 200: SessionStats } } },
    async (request) => stats.session(request.params.channelId, request.params.sessionId),
  );
}

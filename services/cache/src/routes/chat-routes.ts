import {
  ChatChannelParams,
  ChatHistoryPage,
  ChatHistoryQuery,
  ChatParticipants,
  ChatReplayPage,
  ChatReplayQuery,
  ParticipantsQuery,
} from '@phzzk/contracts';
import type { ServiceApp } from '@phzzk/kit';
import type { History } from '../domain/history.ts';
import type { Participants } from '../domain/participants.ts';
import type { Replay } from '../domain/replay.ts';

/** What anyone may read of a channel's chat: history, a broadcast's replay, who is there. */
export function chatRoutes(app: ServiceApp, deps: { history: History; replay: Replay; participants: Participants }) {
  app.get(
    '/api/chat/:channelId/messages',
    { schema: { params: ChatChannelParams, querystring: ChatHistoryQuery, response: { 200: ChatHistoryPage } } },
    async (request) => deps.history.page(request.params.channelId, request.query.before, request.query.limit ?? 50),
  );

  app.get(
    '/api/chat/:channelId/replay',
    { schema: { params: ChatChannelParams, querystring: ChatReplayQuery, response: { 200: ChatReplayPage } } },
    async (request) => {
      const { sessionId, fromSeconds, toSeconds } = request.query;
      return deps.replay.window(request.params.channelId, sessionId, fromSeconds ?? 0, toSeconds);
    },
  );

  app.get(
    '/api/chat/:channelId/participants',
    { schema: { params: ChatChannelParams, querystring: ParticipantsQuery, response: { 200: ChatParticipants } } },
    async (request) => deps.participants.of(request.params.channelId, request.query.limit ?? 200),
  );
}

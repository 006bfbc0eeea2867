import { ChatSettingsValue, IsoTime, Uuid } from '@phzzk/contracts';
import { caller, type ServiceApp, strictValidator } from '@phzzk/kit';
import Type from 'typebox';
import type { ChatModeration } from '../domain/moderation-actions.ts';

// The moderation API (`/api/chat/{channelId}/...`): thin, schema-first; the rules are in
// domain/moderation-actions.ts. Errors are problem+json with a stable code.

const ChannelParams = Type.Object({ channelId: Uuid }, { additionalProperties: false });
const UserParams = Type.Object({ channelId: Uuid, userId: Uuid }, { additionalProperties: false });
const MessageParams = Type.Object({ channelId: Uuid, messageId: Uuid }, { additionalProperties: false });
const Seq = Type.Integer({ minimum: 1 });
const NullableSeq = Type.Union([Seq, Type.Null()]);
/** What a moderation action answers: the seq of the event it logged (null when there was nothing to undo). */
const SeqAnswer = Type.Object({ seq: Seq }, { additionalProperties: false });
const NullableSeqAnswer = Type.Object({ seq: NullableSeq }, { additionalProperties: false });

export const BanBody = Type.Object(
  {
    durationSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_209_600 })),
    reason: Type.Optional(Type.String({ maxLength: 200, pattern: '^[^\\u0000-\\u001F\\u007F]*$' })),
  },
  { additionalProperties: false },
);
const BanView = Type.Object(
  {
    userId: Uuid,
    until: Type.Union([IsoTime, Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
    moderatorId: Uuid,
    createdAt: IsoTime,
  },
  { additionalProperties: false },
);
const BanPage = Type.Object(
  { items: Type.Array(BanView), nextCursor: Type.Union([Uuid, Type.Null()]) },
  { additionalProperties: false },
);
const BanQuery = Type.Object(
  {
    cursor: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);
const Terms = Type.Object(
  { terms: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 500 }) },
  { additionalProperties: false },
);
const Moderators = Type.Object(
  { items: Type.Array(Type.Object({ userId: Uuid, appointedAt: IsoTime }, { additionalProperties: false })) },
  { additionalProperties: false },
);

export function moderationRoutes(app: ServiceApp, moderation: ChatModeration): void {
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/chat/')) reply.header('cache-control', 'no-store');
  });

  app.get(
    '/api/chat/:channelId/settings',
    { schema: { params: ChannelParams, response: { 200: ChatSettingsValue } } },
    (request) => moderation.settings(request.params.channelId),
  );

  app.put(
    '/api/chat/:channelId/settings',
    {
      schema: {
        params: ChannelParams,
        body: ChatSettingsValue,
        response: {
          200: Type.Object({ settings: ChatSettingsValue, seq: Seq }, { additionalProperties: false }),
        },
      },
      validatorCompiler: strictValidator,
    },
    (request) => moderation.putSettings(caller(request).userId, request.params.channelId, request.body),
  );

  app.get(
    '/api/chat/:channelId/bans',
    { schema: { params: ChannelParams, querystring: BanQuery, response: { 200: BanPage } } },
    (request) =>
      moderation.bans(
        caller(request).userId,
        request.params.channelId,
        request.query.cursor,
        request.query.limit ?? 50,
      ),
  );

  app.put(
    '/api/chat/:channelId/bans/:userId',
    {
      schema: {
        params: UserParams,
        body: Type.Optional(BanBody),
        response: { 200: Type.Object({ ...BanView.properties, seq: Seq }, { additionalProperties: false }) },
      },
      validatorCompiler: strictValidator,
    },
    (request) =>
      moderation.ban(caller(request).userId, request.params.channelId, request.params.userId, request.body ?? {}),
  );

  app.delete(
    '/api/chat/:channelId/bans/:userId',
    { schema: { params: UserParams, response: { 200: NullableSeqAnswer } } },
    (request) => moderation.unban(caller(request).userId, request.params.channelId, request.params.userId),
  );

  app.delete(
    '/api/chat/:channelId/messages/:messageId',
    { schema: { params: MessageParams, response: { 200: NullableSeqAnswer } } },
    (request) => moderation.deleteMessage(caller(request).userId, request.params.channelId, request.params.messageId),
  );

  app.post(
    '/api/chat/:channelId/clear',
    { schema: { params: ChannelParams, response: { 200: SeqAnswer } } },
    (request) => moderation.clear(caller(request).userId, request.params.channelId),
  );

  app.get(
    '/api/chat/:channelId/moderators',
    { schema: { params: ChannelParams, response: { 200: Moderators } } },
    (request) => moderation.moderators(caller(request).userId, request.params.channelId),
  );

  app.put('/api/chat/:channelId/moderators/:userId', { schema: { params: UserParams } }, async (request, reply) => {
    await moderation.appoint(caller(request).userId, request.params.channelId, request.params.userId);
    return reply.code(204).send();
  });

  app.delete('/api/chat/:channelId/moderators/:userId', { schema: { params: UserParams } }, async (request, reply) => {
    await moderation.dismiss(caller(request).userId, request.params.channelId, request.params.userId);
    return reply.code(204).send();
  });

  app.get(
    '/api/chat/:channelId/blocked-terms',
    { schema: { params: ChannelParams, response: { 200: Terms } } },
    (request) => moderation.blockedTerms(caller(request).userId, request.params.channelId),
  );

  app.put(
    '/api/chat/:channelId/blocked-terms',
    { schema: { params: ChannelParams, body: Terms, response: { 200: Terms } }, validatorCompiler: strictValidator },
    (request) => moderation.putBlockedTerms(caller(request).userId, request.params.channelId, request.body.terms),
  );
}

import { IsoTime, Uuid } from '@phzzk/contracts';
import { notFound, type ServiceApp } from '@phzzk/kit';
import Type from 'typebox';
import type { IngestSessions } from '../domain/ingest-sessions.ts';
import type { LiveSource, SourceReaders } from '../domain/ports.ts';

export interface SessionRoutesDeps {
  sessions: IngestSessions;
  sourceOf(sessionId: string): LiveSource | undefined;
  readers: SourceReaders;
  sourceUrl(sessionId: string): string | undefined;
  /** Where publishers connect to this node, e.g. rtmp://10.0.0.5:1935/live. */
  rtmpUrl: string;
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const SessionView = Type.Object(
  {
    sessionId: Uuid,
    channelId: Uuid,
    phase: Type.Union([Type.Literal('pending'), Type.Literal('live'), Type.Literal('ended')]),
    acceptedAt: IsoTime,
    sourceUrl: Nullable(Type.String()),
    video: Nullable(
      Type.Object({ codec: Type.String(), width: Type.Integer(), height: Type.Integer(), fps: Type.Number() }),
    ),
    audio: Nullable(Type.Object({ codec: Type.String(), sampleRate: Type.Integer(), channels: Type.Integer() })),
    bitrateKbps: Nullable(Type.Number()),
    readers: Type.Integer({ minimum: 0 }),
    bytesIn: Type.Integer({ minimum: 0 }),
    /** Media time of the latest tag (ms, the publisher's clock). */
    mediaTimeMs: Nullable(Type.Number()),
    gopCacheBytes: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

const SessionParams = Type.Object({ sessionId: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

/** Under /internal (see app.ts): the transcoder (source.flv) and operators (the list) call these. */
export function sessionRoutes(app: ServiceApp, deps: SessionRoutesDeps): void {
  const { sessions, readers } = deps;

  app.get(
    '/sessions',
    { schema: { response: { 200: Type.Object({ rtmpUrl: Type.String(), sessions: Type.Array(SessionView) }) } } },
    async () => ({
      rtmpUrl: deps.rtmpUrl,
      sessions: sessions.list().map((s) => {
        const source = deps.sourceOf(s.sessionId);
        return {
          sessionId: s.sessionId,
          channelId: s.channelId,
          phase: s.phase,
          acceptedAt: s.acceptedAt.toISOString(),
          sourceUrl: deps.sourceUrl(s.sessionId) ?? null,
          ...s.tracks,
          readers: readers.readersOf(s.sessionId),
          bytesIn: source?.stats.bytes ?? 0,
          mediaTimeMs: source?.stats.lastTimestamp ?? null,
          gopCacheBytes: source?.cachedBytes ?? 0,
        };
      }),
    }),
  );

  app.get('/sessions/:sessionId/source.flv', { schema: { params: SessionParams } }, async (request, reply) => {
    const { sessionId } = request.params;
    const source = sessions.get(sessionId) ? deps.sourceOf(sessionId) : undefined;
    if (!source || source.ended) throw notFound('SESSION_NOT_FOUND', `No live session ${sessionId} on this node.`);
    return reply
      .header('content-type', 'video/x-flv')
      .header('cache-control', 'no-store')
      .header('accept-ranges', 'none') // live: a reader cannot seek, it reconnects
      .send(readers.open(sessionId, source));
  });
}

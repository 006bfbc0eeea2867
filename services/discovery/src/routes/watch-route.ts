import type { FastifyInstance } from 'fastify';
import type { WatchStreams } from '../domain/ports.ts';

/** `GET /eureka/watch`: registry changes pushed as Server-Sent Events (see WatchHub). */
export function watchRoute(hub: WatchStreams) {
  return async (app: FastifyInstance) => {
    app.get('/watch', async (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      // The stream outlives the handler: Fastify hands the raw response over to the hub.
      reply.hijack();
      hub.attach(reply.raw, typeof lastEventId === 'string' ? lastEventId : undefined);
    });
  };
}

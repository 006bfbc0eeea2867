import type { ServiceApp } from '@phzzk/kit';
import type { PublicApiDocument } from '../domain/public-api-document.ts';

/** Where web clients read the whole public API (the web app generates its typed client from it). */
export const PUBLIC_OPENAPI_PATH = '/api/openapi.json';

export function openApiRoute(app: ServiceApp, document: PublicApiDocument): void {
  app.get(PUBLIC_OPENAPI_PATH, { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=10');
    return document.get();
  });
}

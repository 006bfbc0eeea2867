import { StaticDiscovery, type ServiceApp } from '@phzzk/kit';
import { routeTestApp } from '@phzzk/testing';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuthApp } from '../services/auth/src/app.ts';
import type { Sessions } from '../services/auth/src/domain/sessions.ts';
import type { SocialLogin } from '../services/auth/src/domain/social-login.ts';
import { buildChannelApp } from '../services/channel/src/app.ts';
import type { Channels } from '../services/channel/src/domain/channels.ts';
import { discoveredServiceDocuments } from '../services/gateway/src/adapters/service-documents.ts';
import { PublicApiDocument } from '../services/gateway/src/domain/public-api-document.ts';
import { openApiRoute } from '../services/gateway/src/routes/openapi-route.ts';
import { defaultRoutes } from '../services/gateway/src/service.ts';
import { buildPackagerApp } from '../services/packager/src/app.ts';
import type { Clips } from '../services/packager/src/domain/clips.ts';
import type { MediaCatalog } from '../services/packager/src/domain/media-catalog.ts';
import type { MediaStorage } from '../services/packager/src/domain/ports.ts';
import type { Vods } from '../services/packager/src/domain/vods.ts';
import { buildUserApp } from '../services/user/src/app.ts';
import type { Accounts } from '../services/user/src/domain/accounts.ts';

// The public API's OpenAPI document as the gateway serves it: each service's own document, read
// through discovery, merged by the gateway's route table. The services run their real route
// plugins (their domain is never called: the document only needs the routes), no infrastructure.

/** Every public route of the services built today (ARCHITECTURE.md "Public HTTP API"). */
const publicRoutes = [
  'POST /api/auth/signup',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
  'POST /api/auth/logout-all',
  'GET /api/auth/jwks.json',
  'GET /.well-known/jwks.json',
  'GET /api/auth/social/providers',
  'GET /api/auth/social/{provider}/authorize',
  'GET /api/auth/social/{provider}/callback',
  'POST /api/auth/social/signup',
  'POST /api/auth/social/exchange',
  'GET /api/users/me',
  'PATCH /api/users/me',
  'GET /api/users/{id}',
  'GET /api/channels',
  'GET /api/channels/{id}',
  'GET /api/channels/me',
  'PATCH /api/channels/me',
  'GET /api/channels/me/stream-key',
  'POST /api/channels/me/stream-key/rotate',
  'PUT /api/channels/{id}/follow',
  'DELETE /api/channels/{id}/follow',
  'GET /api/channels/{id}/live',
  'GET /api/vods',
  'GET /api/vods/{id}',
  'PATCH /api/vods/{id}',
  'DELETE /api/vods/{id}',
  'POST /api/clips',
  'GET /api/clips',
  'GET /api/clips/{id}',
];

describe('GET /api/openapi.json (the merged public API)', () => {
  const apps: ServiceApp[] = [];
  let gateway: ServiceApp;

  beforeAll(async () => {
    const services: [string, ServiceApp][] = [
      ['user', buildUserApp({ app: routeTestApp('user'), accounts: {} as Accounts })],
      ['channel', buildChannelApp({ app: routeTestApp('channel'), channels: {} as Channels, ingestUrl: () => '' })],
      [
        'packager',
        buildPackagerApp({
          app: routeTestApp('packager'),
          vods: {} as Vods,
          clips: {} as Clips,
          catalog: {} as MediaCatalog,
          storage: {} as MediaStorage,
        }),
      ],
      [
        'auth',
        buildAuthApp({
          app: routeTestApp('auth'),
          sessions: {} as Sessions,
          social: {} as SocialLogin,
          keyring: () => ({ jwks: () => ({ keys: [] }) }),
          socialSettings: () => ({ publicUrl: 'http://x', completeUrl: '/', stateTtlSeconds: 1, resultTtlSeconds: 1 }),
        }),
      ],
    ];
    const instances = [];
    for (const [serviceId, app] of services) {
      apps.push(app);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      instances.push({
        serviceId,
        instanceId: `${serviceId}-1`,
        host: '127.0.0.1',
        port: address.port,
        status: 'UP' as const,
        metadata: {},
      });
    }
    gateway = routeTestApp('gateway');
    openApiRoute(
      gateway,
      new PublicApiDocument({
        routes: () => defaultRoutes,
        documents: discoveredServiceDocuments(new StaticDiscovery(instances)),
        info: { title: 'PHZZK API', version: 'test' },
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([...apps, gateway].map((a) => a?.close()));
  });

  it('validates as OpenAPI 3.1', async () => {
    const res = await gateway.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('covers every public route of the services, and nothing internal', async () => {
    const doc = (await gateway.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual([...publicRoutes].sort());
    // The services not running (chat, cache, transcoder) are said to be missing, not invented.
    expect(doc.info.description).toMatch(/cache, chat, transcoder/);
  });

  it('describes each operation completely: request, answers, problems, and who may call', async () => {
    const doc = (await gateway.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const operationIds = new Set<string>();
    type Operation = {
      operationId: string;
      responses: Record<string, { content: Record<string, unknown> }>;
      requestBody?: unknown;
      parameters?: unknown;
    };
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, where).toBeTypeOf('string');
        expect(operationIds.has(op.operationId), `${where} operationId unique`).toBe(false);
        operationIds.add(op.operationId);
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => /^[23]\d\d$/.test(s)),
          `${where} documents its success`,
        ).toBe(true);
        expect(statuses, `${where} documents server errors`).toContain('5XX');
        for (const status of statuses.filter((s) => /^4/.test(s))) {
          const problem = op.responses[status]!;
          expect(Object.keys(problem.content), `${where} ${status}`).toEqual(['application/problem+json']);
        }
        if (op.requestBody || op.parameters) expect(statuses, `${where} documents 400`).toContain('400');
      }
    }
    const me = doc.paths['/api/users/me'].get;
    expect(me.security).toEqual([{ bearer: [] }]);
    expect(me.responses['401'].content['application/problem+json'].schema.properties.code.enum).toEqual([
      'AUTH_REQUIRED',
    ]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it("documents the packager's VOD and clip routes with their problems", async () => {
    const doc = (await gateway.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const codes = (op: { responses: Record<string, unknown> }, status: string) =>
      (op.responses[status] as { content: Record<string, { schema: { properties: { code: unknown } } }> }).content[
        'application/problem+json'
      ]!.schema.properties.code;
    const createClip = doc.paths['/api/clips'].post;
    expect(createClip.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(createClip.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '404', '409']));
    expect(JSON.stringify(codes(createClip, '409'))).toMatch(/CHANNEL_NOT_LIVE.*NO_MEDIA/);
    const deleteVod = doc.paths['/api/vods/{id}'].delete;
    expect(Object.keys(deleteVod.responses)).toEqual(expect.arrayContaining(['204', '401', '403', '404', '503']));
    expect(JSON.stringify(codes(doc.paths['/api/vods/{id}'].get, '404'))).toContain('VOD_NOT_FOUND');
    // Media is not JSON API: /vod/** is never in the document.
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/vod'))).toEqual([]);
  });
});

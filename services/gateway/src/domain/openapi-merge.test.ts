import { describe, expect, it } from 'vitest';
import { mergeOpenApi, type OpenApiDocument, publicPathOf } from './openapi-merge.ts';
import { PublicApiDocument } from './public-api-document.ts';
import type { RouteDefinition } from './route-table.ts';

const op = (id: string, extra: Record<string, unknown> = {}) => ({
  operationId: id,
  responses: { '200': { description: 'ok' } },
  ...extra,
});
const doc = (paths: OpenApiDocument['paths'], schemas: Record<string, unknown> = {}): OpenApiDocument => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths,
  components: { schemas },
});

const routes: RouteDefinition[] = [
  { id: 'users', path: '/api/users/**', service: 'user' },
  { id: 'auth-logout-all', path: '/api/auth/logout-all', service: 'auth', auth: 'required' },
  { id: 'auth', path: '/api/auth/**', service: 'auth' },
  { id: 'legacy', path: '/legacy/users/**', service: 'user', stripPrefix: 1 },
  { id: 'chat', path: '/api/chat/**', service: 'chat' },
];

describe('publicPathOf', () => {
  it('keeps a path the route sends to the service, and puts stripped segments back', () => {
    expect(publicPathOf(routes, routes[0]!, '/api/users/{id}')).toBe('/api/users/{id}');
    expect(publicPathOf(routes, routes[3]!, '/users/{id}')).toBe('/legacy/users/{id}');
  });

  it('drops paths the gateway does not route there, and internal ones', () => {
    expect(publicPathOf(routes, routes[0]!, '/api/other')).toBeUndefined();
    expect(publicPathOf(routes, routes[0]!, '/internal/accounts')).toBeUndefined();
    // The exact route wins for its own path; the prefix route does not claim it.
    expect(publicPathOf(routes, routes[2]!, '/api/auth/logout-all')).toBeUndefined();
    expect(publicPathOf(routes, routes[1]!, '/api/auth/logout-all')).toBe('/api/auth/logout-all');
  });
});

describe('mergeOpenApi', () => {
  it('merges the services by the route table, tags operations, and names the missing services', () => {
    const merged = mergeOpenApi({
      routes,
      documents: new Map([
        ['user', doc({ '/api/users/me': { get: op('getMe') }, '/internal/accounts': { post: op('x') } })],
        ['auth', doc({ '/api/auth/login': { post: op('login') }, '/api/auth/logout-all': { post: op('all') } })],
      ]),
      info: { title: 'PHZZK API', version: '1' },
    });
    expect(Object.keys(merged.paths ?? {})).toEqual(['/api/auth/login', '/api/auth/logout-all', '/api/users/me']);
    expect(merged.paths?.['/api/users/me']?.get).toMatchObject({ operationId: 'getMe', tags: ['user'] });
    expect(merged.info.description).toContain('chat');
    expect(merged.tags).toEqual([{ name: 'user' }, { name: 'auth' }]);
  });

  it('renames a schema two services define differently, and its references', () => {
    const ref = { $ref: '#/components/schemas/Item' };
    const merged = mergeOpenApi({
      routes,
      documents: new Map([
        ['user', doc({ '/api/users/a': { get: op('a', { x: ref }) } }, { Item: { type: 'string' } })],
        ['auth', doc({ '/api/auth/b': { get: op('b', { x: ref }) } }, { Item: { type: 'integer' } })],
      ]),
      info: { title: 'PHZZK API', version: '1' },
    });
    expect(merged.components?.schemas).toEqual({ Item: { type: 'string' }, 'auth.Item': { type: 'integer' } });
    expect(merged.paths?.['/api/auth/b']?.get).toMatchObject({ x: { $ref: '#/components/schemas/auth.Item' } });
    expect(merged.paths?.['/api/users/a']?.get).toMatchObject({ x: ref });
  });
});

describe('PublicApiDocument', () => {
  it('asks the services again only after its time to live, and a new service simply appears', async () => {
    let now = 0;
    let reads = 0;
    const running = new Map<string, OpenApiDocument>([['user', doc({ '/api/users/me': { get: op('me') } })]]);
    const document = new PublicApiDocument({
      routes: () => routes,
      documents: {
        read: async (service) => {
          reads++;
          return running.get(service);
        },
      },
      info: { title: 'PHZZK API', version: '1' },
      ttlMs: 1000,
      now: () => now,
    });
    const [a, b] = await Promise.all([document.get(), document.get()]);
    expect(a).toBe(b);
    const perRound = reads;
    expect(Object.keys((await document.get()).paths ?? {})).toEqual(['/api/users/me']);
    expect(reads).toBe(perRound);
    running.set('chat', doc({ '/api/chat/{channelId}/settings': { get: op('settings') } }));
    now = 1000;
    expect(Object.keys((await document.get()).paths ?? {})).toEqual([
      '/api/chat/{channelId}/settings',
      '/api/users/me',
    ]);
    expect(reads).toBe(2 * perRound);
  });
});

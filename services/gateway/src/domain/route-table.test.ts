import { describe, expect, it } from 'vitest';
import { defaultRoutes } from '../service.ts';
import { LoadBalancer } from './load-balancer.ts';
import { canRetry, countsAgainstInstance } from './retry-policy.ts';
import { locatorRoute, matchRoute, reachesInternal, stripSegments } from './route-table.ts';

const routes = [
  { id: 'api', path: '/api/**', service: 'fallback' },
  { id: 'auth', path: '/api/auth/**', service: 'auth' },
  { id: 'svc', path: '/svc/user/**', service: 'user', stripPrefix: 2 },
  { id: 'exact', path: '/exact', service: 'x' },
];

describe('route table', () => {
  it('prefers the most specific predicate whatever the order', () => {
    expect(matchRoute(routes, '/api/auth/login')?.route.id).toBe('auth');
    expect(matchRoute(routes, '/api/other?x=1')).toEqual({
      route: routes[0],
      upstreamPath: '/api/other?x=1',
      upstreamDecoded: '/api/other',
    });
    expect(matchRoute(routes, '/api')?.route.id).toBe('api');
    expect(matchRoute(routes, '/apix')).toBeUndefined();
    expect(matchRoute(routes, '/exact')?.route.id).toBe('exact');
    expect(matchRoute(routes, '/exact/more')).toBeUndefined();
  });

  it('matches on the decoded path, strips the raw one, and refuses what decodes ambiguously', () => {
    expect(matchRoute(routes, '/%61pi/auth/login')?.route.id).toBe('auth');
    expect(matchRoute(routes, '/svc/user/%69nternal/x?q')).toMatchObject({
      upstreamPath: '/%69nternal/x?q',
      upstreamDecoded: '/internal/x',
    });
    expect(reachesInternal(matchRoute(routes, '/svc/user/%69nternal/x')!)).toBe(true);
    expect(matchRoute(routes, '/svc/user%2Finternal/x')).toBeUndefined();
    expect(matchRoute(routes, '/api/../internal')).toBeUndefined();
  });

  it('never lets the discovery locator reach the gateway, discovery or config', () => {
    const known = ['user', 'gateway', 'discovery', 'config'];
    expect(locatorRoute('/svc/user/api/users/1', known)?.upstreamPath).toBe('/api/users/1');
    for (const s of ['gateway', 'discovery', 'config'])
      expect(locatorRoute(`/svc/${s}/svc/${s}/x`, known)).toBeUndefined();
    expect(locatorRoute('/svc/%67ateway/x', known)).toBeUndefined();
  });

  it('matches a `*` segment as any one segment, more specific than the prefix around it', () => {
    const chat = [
      { id: 'chat-api', path: '/api/chat/**', service: 'chat' },
      { id: 'chat-history', path: '/api/chat/*/messages', service: 'cache' },
      { id: 'tail', path: '/a/*/b/**', service: 't' },
    ];
    expect(matchRoute(chat, '/api/chat/c1/messages?before=9&limit=5')).toMatchObject({
      route: chat[1],
      upstreamPath: '/api/chat/c1/messages?before=9&limit=5',
    });
    expect(matchRoute(chat, '/api/chat/c1/messages/m1')?.route.id).toBe('chat-api');
    // An empty segment is refused by the path decision before any route is considered.
    expect(matchRoute(chat, '/api/chat//messages')).toBeUndefined();
    expect(matchRoute(chat, '/api/chat/c1/settings')?.route.id).toBe('chat-api');
    expect(matchRoute(chat, '/a/x/b')?.route.id).toBe('tail');
    expect(matchRoute(chat, '/a/x/b/c/d')?.route.id).toBe('tail');
    expect(matchRoute(chat, '/a/x/c')).toBeUndefined();
  });

  it('sends the chat reads the cache serves to cache, the rest of /api/chat to chat', () => {
    const to = (url: string) => matchRoute(defaultRoutes, url)?.route.service;
    expect(to('/api/chat/0192f0c1-0000-7000-8000-000000000001/messages?before=10&limit=50')).toBe('cache');
    expect(to('/api/chat/0192f0c1-0000-7000-8000-000000000001/replay?sessionId=x')).toBe('cache');
    expect(to('/api/chat/0192f0c1-0000-7000-8000-000000000001/participants')).toBe('cache');
    expect(to('/api/stats/heartbeat')).toBe('cache');
    expect(to('/api/stats/channels/0192f0c1-0000-7000-8000-000000000001')).toBe('cache');
    expect(to('/api/chat/0192f0c1-0000-7000-8000-000000000001/messages/0192f0c1-0000-7000-8000-000000000002')).toBe(
      'chat',
    );
    expect(to('/api/chat/0192f0c1-0000-7000-8000-000000000001/settings')).toBe('chat');
    expect(to('/api/chat/0192f0c1-0000-7000-8000-000000000001/clear')).toBe('chat');
  });

  it('never lets the catch-all (the web app) take a path of the API, media, locator or internal namespaces', () => {
    const to = (url: string) => matchRoute(defaultRoutes, url)?.route.id;
    expect(to('/')).toBe('web');
    expect(to('/live/0192f0c1-0000-7000-8000-000000000001')).toBe('web');
    expect(to('/_next/static/chunk.js')).toBe('web');
    for (const path of [
      '/api/nothing-here',
      '/svc/user/internal/x',
      '/internal/accounts',
      '/SVC/gateway/x',
      '/ws/other',
    ])
      expect(to(path), path).toBeUndefined();
  });

  it('strips prefixes and keeps the query', () => {
    expect(matchRoute(routes, '/svc/user/api/users/1?a=b')?.upstreamPath).toBe('/api/users/1?a=b');
    expect(stripSegments('/a/b', 5)).toBe('/');
  });
});

describe('load balancer', () => {
  const inst = (id: string) => ({
    serviceId: 's',
    instanceId: id,
    host: 'h',
    port: 1,
    status: 'UP' as const,
    metadata: {},
  });
  const all = [inst('a'), inst('b'), inst('c')];

  it('rotates, skips ejected instances until the ejection expires', () => {
    let now = 0;
    const lb = new LoadBalancer({ ejectMs: 1000, now: () => now });
    expect([1, 2, 3].map(() => lb.pick('s', all)?.instanceId)).toEqual(['a', 'b', 'c']);
    lb.eject('b');
    const picks = [1, 2, 3, 4].map(() => lb.pick('s', all)?.instanceId);
    expect(picks).not.toContain('b');
    now = 1001;
    expect([1, 2, 3].map(() => lb.pick('s', all)?.instanceId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('excludes instances already tried and falls back when all are ejected', () => {
    const lb = new LoadBalancer();
    lb.eject('a');
    lb.eject('b');
    lb.eject('c');
    expect(lb.pick('s', all, new Set(['a', 'b']))?.instanceId).toBe('c');
    expect(lb.pick('s', all, new Set(['a', 'b', 'c']))).toBeUndefined();
  });
});

describe('retry policy', () => {
  const err = (code: string) => Object.assign(new Error(code), { code });
  it('retries idempotent requests on a broken instance, others only when nothing was sent', () => {
    expect(canRetry('GET', err('ECONNRESET'))).toBe(true);
    expect(canRetry('POST', err('ECONNRESET'))).toBe(false);
    expect(canRetry('POST', err('ECONNREFUSED'))).toBe(true);
    expect(canRetry('GET', err('UND_ERR_HEADERS_TIMEOUT'))).toBe(false);
  });
  it('counts only what the instance did against its breaker, never what the request or client caused', () => {
    for (const code of [
      'ECONNRESET',
      'ECONNREFUSED',
      'UND_ERR_SOCKET',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
      'UPGRADE_TIMEOUT',
    ])
      expect(countsAgainstInstance(err(code))).toBe(true);
    for (const code of [
      'UND_ERR_NOT_SUPPORTED',
      'UND_ERR_INVALID_ARG',
      'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
      'UND_ERR_ABORTED',
    ])
      expect(countsAgainstInstance(err(code))).toBe(false);
    expect(countsAgainstInstance(new Error('client gone'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { decidePath, isInternalPath } from './path-decision.ts';

describe('decidePath', () => {
  it('decodes once and keeps the query as received', () => {
    expect(decidePath('/api/users/me?x=%2F')).toEqual({
      ok: true,
      path: '/api/users/me',
      rawPath: '/api/users/me',
      query: '?x=%2F',
    });
    expect(decidePath('/svc/user/%69nternal/accounts/1')).toMatchObject({
      ok: true,
      path: '/svc/user/internal/accounts/1',
    });
    expect(decidePath('/api/users/%EA%B0%80')).toMatchObject({ ok: true, path: '/api/users/가' });
    expect(decidePath('/hls/abc/')).toMatchObject({ ok: true, path: '/hls/abc/' });
  });

  it.each([
    ['/svc/user%2Finternal/accounts'],
    ['/svc/user%2finternal/accounts'],
    ['/a/%2E%2E/internal'],
    ['/a/%2e/internal'],
    ['/a/../internal'],
    ['/a/./b'],
    ['/a/.'],
    ['/a%00/b'],
    ['/a%5Cb'],
    ['/a\\b'],
    ['/a//internal'],
    ['/a/%2569nternal'],
    ['/a/%zz'],
    ['/a/%4'],
    ['/a/%C3%28'],
    ['/a/%ED%A0%80'],
    ['http://host/internal'],
    ['*'],
    ['/a#b'],
  ])('refuses %s', (target) => {
    expect(decidePath(target).ok).toBe(false);
  });

  it('keeps dots inside a segment', () => {
    expect(decidePath('/hls/c/seg.1.m4s')).toMatchObject({ ok: true, path: '/hls/c/seg.1.m4s' });
    expect(decidePath('/a/..b/.c')).toMatchObject({ ok: true });
  });
});

describe('isInternalPath', () => {
  it('matches /internal whatever its case or a path parameter', () => {
    for (const p of ['/internal', '/internal/', '/INTERNAL/x', '/Internal;a/x']) expect(isInternalPath(p)).toBe(true);
    for (const p of ['/internals', '/api/internal', '/']) expect(isInternalPath(p)).toBe(false);
  });
});

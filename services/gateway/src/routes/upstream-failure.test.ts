import { describe, expect, it } from 'vitest';
import { upstreamFailure } from './upstream-failure.ts';

const failed = (code: string) => Object.assign(new Error(code), { code });

describe('upstreamFailure', () => {
  it.each([
    ['no instance to try', undefined, false, 503, 'NO_INSTANCE'],
    ['a response timeout', failed('UND_ERR_HEADERS_TIMEOUT'), true, 504, 'UPSTREAM_TIMEOUT'],
    ['an upgrade timeout', failed('UPGRADE_TIMEOUT'), true, 504, 'UPSTREAM_TIMEOUT'],
    ['a refused connection', failed('ECONNREFUSED'), true, 502, 'UPSTREAM_UNREACHABLE'],
  ])('maps %s to its problem, naming the route', (_what, error, tried, status, code) => {
    const problem = upstreamFailure('things', error, tried);
    expect(problem).toMatchObject({ status, code, extra: { route: 'things' } });
  });
});

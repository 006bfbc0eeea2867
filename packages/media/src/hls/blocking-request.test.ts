import { describe, expect, it } from 'vitest';
import { awaitPlaylistDirectives, blockingTimeoutMs, parsePlaylistDirectives } from './blocking-request.ts';
import { cacheControl } from './cache-control.ts';
import { hlsNames, parseHlsPath } from './naming.ts';

describe('parsePlaylistDirectives (RFC 8216bis 6.2.5)', () => {
  const ok = (q: string) => parsePlaylistDirectives(new URLSearchParams(q));

  it('accepts the directives and ignores unrelated parameters', () => {
    expect(ok('_HLS_msn=12&_HLS_part=3&_HLS_skip=YES&token=x')).toEqual({
      ok: true,
      directives: { msn: 12, part: 3, skip: 'YES' },
    });
    expect(ok('_HLS_skip=v2')).toEqual({ ok: true, directives: { skip: 'v2' } });
    expect(ok('')).toEqual({ ok: true, directives: {} });
  });

  it.each([
    ['_HLS_part=1', /requires _HLS_msn/],
    ['_HLS_msn=-1', /decimal-integer/],
    ['_HLS_msn=1.5', /decimal-integer/],
    ['_HLS_msn=01', /decimal-integer/],
    ['_HLS_msn=', /decimal-integer/],
    ['_HLS_msn=99999999999999999999', /decimal-integer/],
    ['_HLS_msn=1&_HLS_part=x', /decimal-integer/],
    ['_HLS_msn=1&_HLS_msn=2', /more than once/],
    ['_HLS_skip=yes', /YES or v2/],
  ])('rejects %s with 400', (query, message) => {
    const result = ok(query);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.status).toBe(400);
      expect(result.error).toMatch(message);
    }
  });

  it('reads a framework query object too', () => {
    expect(parsePlaylistDirectives({ _HLS_msn: '4', _HLS_part: '0' })).toEqual({
      ok: true,
      directives: { msn: 4, part: 0 },
    });
    expect(parsePlaylistDirectives({ _HLS_msn: ['4', '5'] }).ok).toBe(false);
  });
});

describe('awaitPlaylistDirectives', () => {
  const source = (over: Partial<Parameters<typeof awaitPlaylistDirectives>[0]> = {}) => ({
    ended: false,
    isTooFarAhead: () => false,
    waitFor: async () => 'ready' as const,
    ...over,
  });

  it('answers at once without _HLS_msn or once ended, 400 when too far ahead, 503 on timeout', async () => {
    expect(await awaitPlaylistDirectives(source(), {}, { timeoutMs: 1 })).toEqual({ status: 200, blocked: false });
    expect(
      await awaitPlaylistDirectives(source({ ended: true, isTooFarAhead: () => true }), { msn: 99 }, { timeoutMs: 1 }),
    ).toEqual({ status: 200, blocked: false });
    expect(
      (await awaitPlaylistDirectives(source({ isTooFarAhead: () => true }), { msn: 99 }, { timeoutMs: 1 })).status,
    ).toBe(400);
    expect(await awaitPlaylistDirectives(source(), { msn: 3, part: 1 }, { timeoutMs: 1 })).toEqual({
      status: 200,
      blocked: true,
    });
    const timedOut = source({ waitFor: async () => 'timeout' as const });
    expect((await awaitPlaylistDirectives(timedOut, { msn: 3 }, { timeoutMs: 1 })).status).toBe(503);
  });

  it('blocks for three target durations', () => {
    expect(blockingTimeoutMs(1)).toBe(3000);
    expect(blockingTimeoutMs(2)).toBe(6000);
  });
});

describe('naming', () => {
  it('round-trips every resource name', () => {
    expect(parseHlsPath('master.m3u8')).toEqual({ kind: 'master' });
    expect(parseHlsPath('720p/playlist.m3u8')).toEqual({ kind: 'playlist', rendition: '720p' });
    expect(parseHlsPath(`720p/${hlsNames.init(2)}`)).toEqual({ kind: 'init', rendition: '720p', initId: 2 });
    expect(parseHlsPath(`/720p/${hlsNames.segment(41)}`)).toEqual({ kind: 'segment', rendition: '720p', msn: 41 });
    expect(parseHlsPath(`audio/${hlsNames.part(41, 3)}`)).toEqual({
      kind: 'part',
      rendition: 'audio',
      msn: 41,
      part: 3,
    });
  });

  it.each(['../etc/passwd', '720p/../x', 'a/b/c.m4s', '720p/seg-1.ts', '720p/part-1.m4s', '.x/playlist.m3u8', ''])(
    'refuses %j',
    (path) => expect(parseHlsPath(path)).toBeUndefined(),
  );
});

describe('cacheControl', () => {
  it('caches blocking responses and media, never errors', () => {
    expect(cacheControl({ kind: 'playlist', blocking: true, ended: false, targetDuration: 1 })).toBe(
      'public, max-age=6',
    );
    expect(cacheControl({ kind: 'playlist', blocking: false, ended: false, targetDuration: 1, partTarget: 0.2 })).toBe(
      'no-cache',
    );
    expect(cacheControl({ kind: 'playlist', blocking: false, ended: true, targetDuration: 1 })).toBe(
      'public, max-age=60',
    );
    expect(cacheControl({ kind: 'part', sessionUnique: true })).toBe('public, max-age=31536000, immutable');
    expect(cacheControl({ kind: 'segment' })).toBe('public, max-age=60');
    expect(cacheControl({ kind: 'master' })).toBe('public, max-age=2');
    expect(cacheControl({ kind: 'error' })).toBe('no-store');
  });
});

import { describe, expect, it } from 'vitest';
import { config } from './proxy.ts';
import { REFRESH_COOKIE } from './server/session-cookies.ts';

describe('proxy matcher', () => {
  it('runs only for requests that carry the refresh cookie (the literal is that cookie)', () => {
    expect(config.matcher).toHaveLength(1);
    expect(config.matcher[0]?.has).toEqual([{ type: 'cookie', key: REFRESH_COOKIE }]);
  });

  it('covers pages, /bff and /session/token, never assets, the health probe or the other /session routes', () => {
    const source = new RegExp(`^${config.matcher[0]?.source}$`);
    for (const path of ['/', '/live/abc', '/bff/api/users/me', '/session/token', '/settings']) {
      expect(source.test(path), path).toBe(true);
    }
    for (const path of ['/_next/static/chunks/a.js', '/health', '/favicon.ico', '/session/logout']) {
      expect(source.test(path), path).toBe(false);
    }
  });
});

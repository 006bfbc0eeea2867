import { describe, expect, it } from 'vitest';
import { cookieOptions, isHttps, needsRefresh, tokenExpiry } from './session-cookies.ts';

const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('session cookies', () => {
  it('are httpOnly and SameSite=Lax, Secure under https (also behind a TLS proxy)', () => {
    expect(cookieOptions(true, 60)).toMatchObject({ httpOnly: true, sameSite: 'lax', secure: true, path: '/' });
    expect(isHttps(new Headers(), 'https://x/')).toBe(true);
    expect(isHttps(new Headers({ 'x-forwarded-proto': 'https' }), 'http://x/')).toBe(true);
    expect(isHttps(new Headers(), 'http://x/')).toBe(false);
  });

  it('refresh an access token about to expire, or unreadable, or missing', () => {
    const now = 1_000_000;
    expect(tokenExpiry(jwt({ exp: now + 600 }))).toBe(now + 600);
    expect(needsRefresh(jwt({ exp: now + 600 }), now)).toBe(false);
    expect(needsRefresh(jwt({ exp: now + 10 }), now)).toBe(true);
    expect(needsRefresh('garbage', now)).toBe(true);
    expect(needsRefresh(undefined, now)).toBe(true);
  });
});

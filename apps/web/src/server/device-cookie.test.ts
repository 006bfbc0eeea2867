import { describe, expect, it } from 'vitest';
import { deviceCookieHeader, deviceFromSetCookie } from './device-cookie.ts';

const TOKEN = 'dGhpcyBpcyBhIGRldmljZSB0b2tlbiBvZiAzMiBieXRlcw';

describe('the device cookie between the browser, the Next server and the auth service', () => {
  it("reads the token and lifetime from the auth service's Set-Cookie", () => {
    expect(
      deviceFromSetCookie(`phzzk_device=${TOKEN}; Path=/api/auth/login; Max-Age=7776000; HttpOnly; SameSite=Lax`),
    ).toEqual({ token: TOKEN, maxAge: 7_776_000 });
    // Several cookies joined by fetch: the device one is found among them.
    expect(
      deviceFromSetCookie(`a=b; Path=/, phzzk_device=${TOKEN}; Path=/api/auth/login; Max-Age=60; HttpOnly`),
    ).toEqual({ token: TOKEN, maxAge: 60 });
  });

  it('finds nothing in an answer without it, or with a malformed token', () => {
    expect(deviceFromSetCookie(null)).toBeUndefined();
    expect(deviceFromSetCookie('other=1; Max-Age=5')).toBeUndefined();
    expect(deviceFromSetCookie('phzzk_device=a;b; Max-Age=5')).toBeUndefined();
  });

  it('passes on only a well-formed token', () => {
    expect(deviceCookieHeader(TOKEN)).toEqual({ cookie: `phzzk_device=${TOKEN}` });
    expect(deviceCookieHeader(undefined)).toEqual({});
    expect(deviceCookieHeader('x; other=1')).toEqual({});
  });
});
